"""The directory of entities in the admin: every staff member may look an entity up (forms pick
one by name or ubigeo); only a superuser corrects how one is shown (`display_name`), kept in its
history. Entities come from INEI's list (`manage.py load_entities`), never typed in."""

from django.contrib import admin, messages
from django.http import HttpResponseForbidden
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Entity

HISTORY_IS_READ_ONLY = _("El historial es de solo lectura: una versión anterior no se restaura desde aquí.")


class ReadOnlyHistory:
    """simple-history's page of a past version saves a POST from anyone who may *view* the history
    (its revert_disabled only hides the button): here the page is read, never posted."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            messages.error(request, HISTORY_IS_READ_ONLY)
            return HttpResponseForbidden(str(HISTORY_IS_READ_ONLY))
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Entity)
class EntityAdmin(ReadOnlyHistory, SimpleHistoryAdmin):
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
