from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Dimension, Milestone, Objective, Plan, PlanSection, Problem, Project, StrategicAxis, Target


class PlanRecordAdmin(SimpleHistoryAdmin):
    """Plan records are never hard-deleted from the admin: history must stay whole."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(PlanRecordAdmin):
    list_display = ["title", "municipality", "department", "party", "period_start", "period_end", "population"]
    search_fields = ["title", "municipality", "province", "party"]


@admin.register(PlanSection)
class PlanSectionAdmin(PlanRecordAdmin):
    list_display = ["code", "title", "part", "order", "plan"]
    list_display_links = ["code", "title"]
    list_filter = ["plan", "part"]
    search_fields = ["code", "title", "text", "notes"]
    list_select_related = ["plan"]
    autocomplete_fields = ["indicators"]


@admin.register(StrategicAxis)
class StrategicAxisAdmin(PlanRecordAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    search_fields = ["name", "objective", "annex_objective"]
    list_select_related = ["plan"]


@admin.register(Dimension)
class DimensionAdmin(PlanRecordAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


class ObjectiveInline(admin.StackedInline):
    model = Objective
    extra = 0
    fields = ["code", "order", "text", "axis"]
    show_change_link = True


@admin.register(Problem)
class ProblemAdmin(PlanRecordAdmin):
    list_display = ["code", "text", "dimension"]
    list_display_links = ["code", "text"]
    list_filter = ["plan", "dimension"]
    search_fields = ["code", "text"]
    list_select_related = ["dimension"]
    inlines = [ObjectiveInline]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["code", "sentence", "kind", "comparator", "value", "unit", "deadline", "indicator", "project"]
    autocomplete_fields = ["indicator", "project"]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(PlanRecordAdmin):
    list_display = ["code", "text", "axis", "problem"]
    list_display_links = ["code", "text"]
    list_filter = ["plan", "axis", "problem__dimension"]
    search_fields = ["code", "text", "problem__text"]
    list_select_related = ["axis", "problem"]
    autocomplete_fields = ["problem"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(PlanRecordAdmin):
    list_display = ["code", "sentence", "kind", "comparator", "value", "unit", "deadline", "indicator"]
    list_display_links = ["code", "sentence"]
    list_filter = ["plan", "kind", "objective__axis", "objective__problem__dimension"]
    search_fields = ["code", "sentence", "indicator__code", "indicator__name"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["objective", "indicator", "project"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["order", "name", "weight", "planned_date", "done_date", "evidence", "is_demo"]


@admin.register(Project)
class ProjectAdmin(PlanRecordAdmin):
    list_display = ["name", "code", "cui", "objective"]
    list_filter = ["plan", "objective__axis"]
    search_fields = ["name", "code", "cui"]
    list_select_related = ["objective"]
    autocomplete_fields = ["objective"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(PlanRecordAdmin):
    list_display = ["project", "order", "name", "weight", "planned_date", "done_date", "is_demo"]
    list_filter = ["project", "is_demo", ("done_date", admin.EmptyFieldListFilter)]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]


admin.site.site_header = _("Seguimiento del Plan de Gobierno Municipal")
admin.site.site_title = _("Seguimiento del plan")
admin.site.index_title = _("Administración del plan")
