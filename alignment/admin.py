from django.contrib import admin

from goals.admin import PlanScopedAdmin, PlanTabularInline

from .models import AlignmentLevel, AlignmentLink, AlignmentObjective, AlignmentRow


@admin.register(AlignmentLevel)
class AlignmentLevelAdmin(PlanScopedAdmin):
    list_display = ["order", "name", "source_plan", "code", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


@admin.register(AlignmentObjective)
class AlignmentObjectiveAdmin(PlanScopedAdmin):
    list_display = ["level", "number", "text", "plan"]
    list_display_links = ["number", "text"]
    list_filter = ["plan", "level"]
    list_select_related = ["level", "plan"]
    search_fields = ["text"]


class AlignmentLinkInline(PlanTabularInline):
    model = AlignmentLink
    extra = 0
    fields = ["order", "objective"]
    autocomplete_fields = ["objective"]


@admin.register(AlignmentRow)
class AlignmentRowAdmin(PlanScopedAdmin):
    list_display = ["number", "axis", "plan"]
    list_display_links = ["number", "axis"]
    list_filter = ["plan"]
    list_select_related = ["axis__plan", "plan"]
    inlines = [AlignmentLinkInline]
