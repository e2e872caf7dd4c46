from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from indicators.admin_base import RecordAdmin, StackedInline, TabularInline

from .models import Dimension, Milestone, Objective, Plan, PlanSection, Problem, Project, StrategicAxis, Target


@admin.register(Plan)
class PlanAdmin(RecordAdmin):
    list_display = ["title", "municipality", "department", "party", "period_start", "period_end", "population"]
    search_fields = ["title", "municipality", "province", "party"]


@admin.register(PlanSection)
class PlanSectionAdmin(RecordAdmin):
    list_display = ["code", "title", "part", "order", "plan"]
    list_display_links = ["code", "title"]
    list_filter = ["plan", "part"]
    search_fields = ["code", "title", "text", "notes"]
    list_select_related = ["plan"]
    autocomplete_fields = ["indicators"]


@admin.register(StrategicAxis)
class StrategicAxisAdmin(RecordAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    search_fields = ["name", "objective", "annex_objective"]
    list_select_related = ["plan"]


@admin.register(Dimension)
class DimensionAdmin(RecordAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


class ObjectiveInline(StackedInline):
    model = Objective
    extra = 0
    fields = ["code", "order", "text", "axis"]
    show_change_link = True


@admin.register(Problem)
class ProblemAdmin(RecordAdmin):
    list_display = ["code", "text", "dimension"]
    list_display_links = ["code", "text"]
    list_filter = ["plan", "dimension"]
    search_fields = ["code", "text"]
    list_select_related = ["dimension"]
    inlines = [ObjectiveInline]


class TargetInline(TabularInline):
    model = Target
    extra = 0
    fields = ["code", "sentence", "kind", "comparator", "value", "unit", "deadline", "indicator", "project"]
    autocomplete_fields = ["indicator", "project"]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(RecordAdmin):
    list_display = ["code", "text", "axis", "problem"]
    list_display_links = ["code", "text"]
    list_filter = ["plan", "axis", "problem__dimension"]
    search_fields = ["code", "text", "problem__text"]
    list_select_related = ["axis", "problem"]
    autocomplete_fields = ["problem"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(RecordAdmin):
    list_display = ["code", "sentence", "kind", "comparator", "value", "unit", "deadline", "indicator"]
    list_display_links = ["code", "sentence"]
    list_filter = ["plan", "kind", "objective__axis", "objective__problem__dimension"]
    search_fields = ["code", "sentence", "indicator__code", "indicator__name"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["objective", "indicator", "project"]


class MilestoneInline(TabularInline):
    model = Milestone
    extra = 0
    fields = ["order", "name", "weight", "planned_date", "done_date", "evidence", "is_demo"]


@admin.register(Project)
class ProjectAdmin(RecordAdmin):
    list_display = ["name", "code", "cui", "objective"]
    list_filter = ["plan", "objective__axis"]
    search_fields = ["name", "code", "cui"]
    list_select_related = ["objective"]
    autocomplete_fields = ["objective"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(RecordAdmin):
    list_display = ["project", "order", "name", "weight", "planned_date", "done_date", "is_demo"]
    list_filter = ["project", "is_demo", ("done_date", admin.EmptyFieldListFilter)]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]


admin.site.site_header = _("Seguimiento del Plan de Gobierno Municipal")
admin.site.site_title = _("Seguimiento del plan")
admin.site.index_title = _("Administración del plan")
