"""What every admin page of the plan shares, written once for indicators, goals and alignment.

Nothing is hard-deleted (inlines included), history is read-only, and a refusal that a
workflow step raises while saving is a Spanish message, never a 500."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import mark_safe
from simple_history.admin import SimpleHistoryAdmin

HISTORY_IS_READ_ONLY = (
    "El historial es de solo lectura: una versión anterior no se restaura desde aquí. "
    "Los cambios pasan por el formulario de edición o, en las lecturas, por el flujo de revisión."
)


class NoDeleteMixin:
    """Nothing is hard-deleted from the admin: the history must stay whole."""

    def has_delete_permission(self, request, obj=None):
        return False


class TabularInline(NoDeleteMixin, admin.TabularInline):
    pass


class StackedInline(NoDeleteMixin, admin.StackedInline):
    pass


class RecordAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """The admin of every model staff edit. What each role may add or change comes from its
    group's permissions (auditors only view); what each one may see, from `get_queryset`, which
    the history pages obey too."""

    object_history_form_template = "admin/history_version.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # The form was valid, but the record moved on before it was saved (another person's
            # step): the admin's transaction is rolled back; say why and show the record as it is.
            self.message_user(request, "No se guardó: " + " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- history: listed and shown within what the user may see, never reverted ---

    def revert_disabled(self, request, obj=None):
        return True

    def history_view_title(self, request, obj):
        return f"Historial: {obj}"

    def visible_history(self, request, records):
        """The versions `request.user` may see of one record; all of them unless a model says otherwise."""
        return records

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return self.visible_history(request, records)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the latest version of a record the queryset hides.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One past version, every field read-only. simple-history's own view saves a POST
        (SIMPLE_HISTORY_REVERT_DISABLED only hides its button): here a POST changes nothing."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not str(version_id).isdigit():
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        records = self.get_history_queryset(request, history, self.model._meta.pk.attname, obj.pk)
        record = records.filter(history_id=int(version_id)).first()
        if record is None:
            raise Http404
        refused = request.method not in ("GET", "HEAD")
        if refused:
            messages.error(request, HISTORY_IS_READ_ONLY)
        response = self.render_history_view(
            request, self.object_history_form_template, self._version_context(request, obj, record)
        )
        response.status_code = 403 if refused else 200
        return response

    def _version_context(self, request, obj, record):
        fieldsets = self.get_fieldsets(request, obj)
        version = record.instance
        form = modelform_factory(self.model, fields=[])(instance=version)
        admin_form = helpers.AdminForm(form, fieldsets, {}, flatten_fieldsets(fieldsets), model_admin=self)
        opts = self.model._meta
        url = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        return {
            **self.admin_site.each_context(request),
            "title": f"{opts.verbose_name.capitalize()}: versión del historial",
            "subtitle": str(obj),
            "version_date": record.history_date,
            "version_user": record.history_user,
            "version_reason": record.history_change_reason,
            "adminform": admin_form,
            "object_id": obj.pk,
            "original": version,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),
            "errors": [],
            "app_label": opts.app_label,
            "original_opts": opts,
            "opts": opts,
            "changelist_url": reverse(f"{url}_changelist"),
            "change_url": reverse(f"{url}_change", args=[obj.pk]),
            "history_url": reverse(f"{url}_history", args=[obj.pk]),
            "change_history": False,
            "revert_disabled": True,
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": False,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": False,
            "has_absolute_url": False,
            "form_url": "",
            "save_as": False,
            "save_on_top": False,
        }
