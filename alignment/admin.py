from django.contrib import admin

from indicators.admin_base import RecordAdmin

from .models import AlignmentObjective, AlignmentRow


@admin.register(AlignmentObjective)
class AlignmentObjectiveAdmin(RecordAdmin):
    list_display = ["level", "number", "text", "source_plan"]
    list_display_links = ["number", "text"]
    list_filter = ["plan", "level"]
    search_fields = ["text"]


@admin.register(AlignmentRow)
class AlignmentRowAdmin(RecordAdmin):
    list_display = ["number", "national", "axis"]
    list_display_links = ["number", "national"]
    list_filter = ["plan"]
    list_select_related = ["national", "axis"]
    filter_horizontal = ["regional", "provincial"]
