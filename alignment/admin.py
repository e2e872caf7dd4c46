from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AlignmentObjective, AlignmentRow


@admin.register(AlignmentObjective)
class AlignmentObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["level", "number", "text", "source_plan"]
    list_display_links = ["number", "text"]
    list_filter = ["plan", "level"]
    search_fields = ["text"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AlignmentRow)
class AlignmentRowAdmin(SimpleHistoryAdmin):
    list_display = ["number", "national", "axis"]
    list_display_links = ["number", "national"]
    list_filter = ["plan"]
    list_select_related = ["national", "axis"]
    filter_horizontal = ["regional", "provincial"]

    def has_delete_permission(self, request, obj=None):
        return False
