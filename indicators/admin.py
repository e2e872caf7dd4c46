from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import roles
from .admin_base import RecordAdmin, TabularInline
from .admin_imports import ReadingImportExportMixin
from .forms import CorrectionForm, FlexibleDecimalField, ReasonForm
from .models import Indicator, Office, Reading, ReviewStatus, Unit, reading_visibility


@admin.register(Unit)
class UnitAdmin(RecordAdmin):
    list_display = ["name", "symbol", "min_value", "max_value", "decimals"]
    search_fields = ["name", "code"]


@admin.register(Office)
class OfficeAdmin(RecordAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    filter_horizontal = ["members"]


class ReadingInline(TabularInline):
    model = Reading
    extra = 0
    fields = ["period", "value", "status", "source", "is_demo"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["-period"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Indicator)
class IndicatorAdmin(RecordAdmin):
    list_display = ["code", "name", "unit", "direction", "frequency", "office", "baseline_value", "baseline_date"]
    list_display_links = ["code", "name"]
    list_filter = ["office", "frequency", "direction", "unit"]
    search_fields = ["code", "name", "source"]
    list_select_related = ["unit", "office"]
    inlines = [ReadingInline]


@admin.register(Reading)
class ReadingAdmin(ReadingImportExportMixin, RecordAdmin):
    list_display = ["indicator", "period", "value_with_flag", "status", "is_demo", "entered_by", "approved_at"]
    list_filter = ["status", "is_demo", "is_outlier", "indicator__office", "indicator"]
    search_fields = ["indicator__code", "indicator__name", "source", "note"]
    list_select_related = ["indicator__office", "entered_by"]
    date_hierarchy = "period"
    ordering = ["-period", "indicator__code"]
    actions = ["submit_selected", "approve_selected", "reject_selected", "withdraw_selected"]
    editable_fields = ["indicator", "period", "value", "source", "note"]
    formfield_overrides = {models.DecimalField: {"form_class": FlexibleDecimalField}}
    workflow_fields = [
        "status",
        "is_outlier",
        "is_demo",
        "entered_by",
        "last_modified_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "approved_at",
        "review_note",
        "corrects",
        "correction_reason",
        "superseded_at",
        "withdrawn_at",
        "withdrawal_reason",
        "correction_link",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def visible_history(self, request, records):
        # Another office's staff see the approved versions of a public reading, not its drafts.
        return records.filter(reading_visibility(request.user))

    def get_fields(self, request, obj=None):
        return self.editable_fields if obj is None else self.editable_fields + self.workflow_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.can_edit(request.user):
            return ["indicator", *self.workflow_fields]
        return self.editable_fields + self.workflow_fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.can_edit(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A registrador only picks indicators of its own offices.
        if db_field.name == "indicator" and not request.user.is_superuser:
            kwargs["queryset"] = Indicator.objects.filter(office_id__in=roles.office_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            obj.edit(request.user)
        else:
            obj.register(request.user)

    @admin.display(description=_("valor"), ordering="value")
    def value_with_flag(self, obj):
        if obj.is_outlier:
            return format_html('{} <strong title="{}">⚠ atípico</strong>', obj.value, _("Muy lejos del historial"))
        return obj.value

    @admin.display(description=_("corrección"))
    def correction_link(self, obj):
        if obj.status != ReviewStatus.APPROVED:
            return "—"
        url = reverse("admin:indicators_reading_correct", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Registrar corrección"))

    # --- workflow actions: each row goes through the state machine, refusals are reported ---

    def _apply(self, request, queryset, verb, step):
        moved, refused = 0, []
        for reading in queryset.select_related("indicator__unit", "indicator__office"):
            try:
                step(reading)
                moved += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"{reading}: {' '.join(_messages_of(error))}")
        if moved:
            self.message_user(request, f"{moved} lectura(s) {verb}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"No se pudo: {line}", messages.ERROR)

    @admin.action(description=_("Enviar a revisión"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._apply(request, queryset, "enviadas a revisión", lambda r: r.submit(request.user))

    @admin.action(description=_("Aprobar"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._apply(request, queryset, "aprobadas", lambda r: r.approve(request.user))

    @admin.action(description=_("Rechazar (con motivo)"), permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "reject_selected",
            _("Rechazar lecturas"),
            "rechazadas",
            lambda r, reason: r.reject(request.user, reason),
        )

    @admin.action(description=_("Retirar (con motivo)"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "withdraw_selected",
            _("Retirar lecturas"),
            "retiradas",
            lambda r, reason: r.withdraw(request.user, reason),
        )

    def has_review_permission(self, request):
        user = request.user
        return user.is_superuser or roles.has_role(user, roles.ROLE_REVISOR)

    def _with_reason(self, request, queryset, action, title, verb, step):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(request, queryset, verb, lambda r: step(r, reason))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "readings": queryset,
            "action": action,
            "opts": self.model._meta,
        }
        return render(request, "admin/indicators/reading/reason.html", context)

    # --- correction of an approved reading ---

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/corregir/",
                self.admin_site.admin_view(self.correct_view),
                name="indicators_reading_correct",
            )
        ]
        return extra + super().get_urls()

    def correct_view(self, request, pk):
        reading = get_object_or_404(self.get_queryset(request), pk=pk)
        form = CorrectionForm(request.POST or None, initial={"source": reading.source})
        if form.is_valid():
            try:
                correction = reading.correct(request.user, **form.cleaned_data)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                for field, errors in _by_field(error).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(request, "Corrección registrada como borrador: envíela a revisión.", messages.SUCCESS)
                return redirect("admin:indicators_reading_change", correction.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Corregir {reading}",
            "form": form,
            "reading": reading,
            "opts": self.model._meta,
        }
        return render(request, "admin/indicators/reading/correct.html", context)


def _messages_of(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def _by_field(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [m for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {None: error.messages}
