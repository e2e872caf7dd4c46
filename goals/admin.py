"""The plan's records in the admin. Staff see their entity's plans (core.scoping: superusers and
national auditors see every plan) and change them while the plan is open; a closed plan is
read-only for everybody but superusers. Which records a role may change at all still comes from
its group's permissions (an entity's administrador changes its plans)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import RecordAdmin, StackedInline, TabularInline
from indicators import access
from indicators.forms import TYPED_DECIMALS

from .models import Dimension, Milestone, Objective, Plan, PlanSection, Problem, Project, StrategicAxis, Target


def may_change_plan(request, plan) -> bool:
    return Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists()


class PlanScopedMixin:
    """What every admin page of a plan's records shares (the inlines' `obj` is their parent,
    which always has a `plan`)."""

    plan_lookup = "plan"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices only from the plans the user may change: a record never moves into a plan
        # they cannot edit, nor points at another plan's records.
        model = db_field.related_model
        editable = Plan.objects.editable_by(request.user)
        if model is Plan:
            kwargs["queryset"] = editable
        elif any(field.name == "plan" for field in model._meta.fields):
            kwargs["queryset"] = model._default_manager.filter(plan__in=editable)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PlanScopedAdmin(PlanScopedMixin, RecordAdmin):
    formfield_overrides = TYPED_DECIMALS

    def get_queryset(self, request):
        records = super().get_queryset(request)
        if access.sees_everything(request.user):
            return records
        return records.filter(**{f"{self.plan_lookup}__in": Plan.objects.visible_to(request.user)})

    def has_add_permission(self, request):
        return super().has_add_permission(request) and Plan.objects.editable_by(request.user).exists()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return may_change_plan(request, self.plan_of(obj))

    def plan_of(self, obj):
        """The plan of `obj`, following `plan_lookup` ("plan", "project__plan")."""
        for name in self.plan_lookup.split("__"):
            obj = getattr(obj, name)
        return obj


class PlanScopedInlineMixin(PlanScopedMixin):
    def has_add_permission(self, request, obj=None):
        allowed = super().has_add_permission(request, obj)
        return allowed and (obj is None or may_change_plan(request, obj.plan))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_plan(request, obj.plan))


class PlanTabularInline(PlanScopedInlineMixin, TabularInline):
    pass


class PlanStackedInline(PlanScopedInlineMixin, StackedInline):
    pass


@admin.register(Plan)
class PlanAdmin(PlanScopedAdmin):
    list_display = ["title", "entity", "period_start", "period_end", "party", "is_featured", "is_closed", "closed_at"]
    list_filter = ["is_featured", "is_closed"]
    search_fields = ["title", "entity__name", "entity__display_name", "entity__ubigeo", "party", "slug"]
    list_select_related = ["entity"]
    plan_lookup = "pk"
    # Which plan the site features and whether it is closed: superusers decide (a revisor of the
    # plan's entity closes it too, with the action below).
    superuser_fields = ["is_featured", "is_closed"]
    actions = ["close_plans"]

    @admin.action(description=_("Cerrar el plan (su resultado pasa a ser final)"))
    def close_plans(self, request, queryset):
        """Close each chosen plan whose term has ended: recorded with who and when, after which
        no reading of its term changes. Allowed to superusers and the plan entity's revisores."""
        closed = 0
        for plan in queryset:
            try:
                plan.close(request.user)
            except (PermissionDenied, ValidationError) as refusal:
                reason = " ".join(getattr(refusal, "messages", None) or [str(refusal)])
                self.message_user(
                    request, gettext("«%(plan)s»: %(reason)s") % {"plan": plan, "reason": reason}, messages.ERROR
                )
            else:
                closed += 1
        if closed:
            self.message_user(
                request,
                ngettext(
                    "%(count)s plan cerrado: su resultado es final y las lecturas de su periodo ya no cambian.",
                    "%(count)s planes cerrados: su resultado es final y las lecturas de su periodo ya no cambian.",
                    closed,
                )
                % {"count": closed},
                messages.SUCCESS,
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not access.acts_as(request.user, access.ROLE_REVISOR):
            actions.pop("close_plans", None)
        return actions

    def save_model(self, request, obj, form, change):
        # A superuser who ticks «cerrado» closes the plan as the action does: recorded, who and when.
        if "is_closed" in form.changed_data:
            obj.closed_at = timezone.now() if obj.is_closed else None
            obj.closed_by = request.user if obj.is_closed else None
        super().save_model(request, obj, form, change)

    def plan_of(self, obj):
        return obj

    def has_add_permission(self, request):
        # A new term of an entity: its administrador adds it (usually from its plan file).
        return access.is_entity_admin(request.user) and super(PlanScopedAdmin, self).has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj)) + ["closed_at", "closed_by"]
        return fields if request.user.is_superuser else fields + self.superuser_fields


@admin.register(PlanSection)
class PlanSectionAdmin(PlanScopedAdmin):
    list_display = ["code", "title", "part", "order", "plan"]
    list_display_links = ["code", "title"]
    list_filter = ["plan", "part"]
    search_fields = ["code", "title", "text", "notes"]
    list_select_related = ["plan"]
    autocomplete_fields = ["indicators"]


@admin.register(StrategicAxis)
class StrategicAxisAdmin(PlanScopedAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    search_fields = ["name", "objective", "annex_objective"]
    list_select_related = ["plan"]


@admin.register(Dimension)
class DimensionAdmin(PlanScopedAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


class ObjectiveInline(PlanStackedInline):
    model = Objective
    extra = 0
    fields = ["code", "order", "text", "axis"]
    show_change_link = True


@admin.register(Problem)
class ProblemAdmin(PlanScopedAdmin):
    list_display = ["code", "text", "dimension", "plan"]
    list_display_links = ["code", "text"]
    list_filter = ["plan", "dimension"]
    search_fields = ["code", "text"]
    list_select_related = ["dimension", "plan"]
    inlines = [ObjectiveInline]


class TargetInline(PlanTabularInline):
    model = Target
    extra = 0
    fields = ["code", "sentence", "kind", "comparator", "value", "unit", "deadline", "indicator", "project"]
    autocomplete_fields = ["indicator", "project"]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(PlanScopedAdmin):
    list_display = ["code", "text", "axis", "problem", "plan"]
    list_display_links = ["code", "text"]
    list_filter = ["plan", "axis", "problem__dimension"]
    search_fields = ["code", "text", "problem__text"]
    list_select_related = ["axis", "problem", "plan"]
    autocomplete_fields = ["problem"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(PlanScopedAdmin):
    list_display = ["code", "sentence", "kind", "comparator", "value", "unit", "deadline", "indicator", "plan"]
    list_display_links = ["code", "sentence"]
    list_filter = ["plan", "kind", "objective__axis", "objective__problem__dimension"]
    search_fields = ["code", "sentence", "indicator__code", "indicator__name"]
    list_select_related = ["indicator", "plan"]
    autocomplete_fields = ["objective", "indicator", "project"]


class MilestoneInline(PlanTabularInline):
    model = Milestone
    extra = 0
    fields = ["order", "name", "weight", "planned_date", "done_date", "evidence", "is_demo"]


@admin.register(Project)
class ProjectAdmin(PlanScopedAdmin):
    list_display = ["name", "code", "cui", "objective", "plan"]
    list_filter = ["plan", "objective__axis"]
    search_fields = ["name", "code", "cui"]
    list_select_related = ["objective", "plan"]
    autocomplete_fields = ["objective"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(PlanScopedAdmin):
    list_display = ["project", "order", "name", "weight", "planned_date", "done_date", "is_demo"]
    list_filter = ["project__plan", "project", "is_demo", ("done_date", admin.EmptyFieldListFilter)]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    plan_lookup = "project__plan"


admin.site.site_header = _("Seguimiento del Plan de Gobierno Municipal")
admin.site.site_title = _("Seguimiento del plan")
admin.site.index_title = _("Administración del plan")
