from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Office, Reading, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "symbol", "min_value", "max_value", "decimals"]
    search_fields = ["name", "code"]


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    filter_horizontal = ["members"]


class ReadingInline(admin.TabularInline):
    model = Reading
    extra = 0
    fields = ["period", "value", "status", "source", "is_demo"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ["-period"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit", "direction", "frequency", "office", "baseline_value", "baseline_date"]
    list_display_links = ["code", "name"]
    list_filter = ["office", "frequency", "direction", "unit"]
    search_fields = ["code", "name", "source"]
    list_select_related = ["unit", "office"]
    inlines = [ReadingInline]


@admin.register(Reading)
class ReadingAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "value", "status", "is_outlier", "is_demo", "entered_by", "reviewed_at"]
    list_filter = ["status", "is_demo", "is_outlier", "indicator__office", "indicator"]
    search_fields = ["indicator__code", "indicator__name", "source", "note"]
    list_select_related = ["indicator", "entered_by"]
    date_hierarchy = "period"
    autocomplete_fields = ["indicator"]

    def has_delete_permission(self, request, obj=None):
        return False
