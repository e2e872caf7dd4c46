"""The directory of entities in the admin: every staff member may look an entity up (forms pick
one by name or ubigeo); only a superuser corrects how one is shown (`display_name`), kept in its
history. Entities come from INEI's list (`manage.py load_entities`), never typed in."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Entity


@admin.register(Entity)
class EntityAdmin(SimpleHistoryAdmin):
    list_display = ["ubigeo", "title", "kind", "department", "province"]
    list_display_links = ["ubigeo", "title"]
    list_filter = ["kind", "department"]
    search_fields = ["ubigeo", "name", "display_name", "department", "province"]
    readonly_fields = ["ubigeo", "kind", "name", "department", "province"]
    fields = ["ubigeo", "kind", "name", "display_name", "department", "province"]
    ordering = ["ubigeo"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True
