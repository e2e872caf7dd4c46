"""What every admin page of the plan shares, written once for indicators, goals and alignment.

Nothing is hard-deleted (inlines included), history is read-only, a refusal that a
workflow step raises while saving is a Spanish message, never a 500, the messages after a save
agree with the model's gender ("La lectura … fue agregada"), and numbers are shown without
trailing zeros. Typed numbers (16,8 or 16.8) are read by the parser of the app that owns it: each
admin sets `formfield_overrides` to `indicators.forms.TYPED_DECIMALS` (this bottom app imports
nothing above it)."""

import functools

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.forms import modelform_factory
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, mark_safe
from django.utils.translation import pgettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .formatting import number
from .roles import entity_id, sees_everything

HISTORY_IS_READ_ONLY = translation.gettext_lazy(
    "El historial es de solo lectura: una versión anterior no se restaura desde aquí. "
    "Los cambios pasan por el formulario de edición o, en las lecturas, por el flujo de revisión."
)


# Spanish nouns ending in -a that are masculine; every other noun's gender follows its ending.
MASCULINE_IN_A = {"problema", "sistema", "tema", "programa", "mapa", "día", "clima", "esquema", "idioma"}
FEMININE_ENDINGS = ("a", "ión", "dad", "tad", "tud", "umbre")


def is_feminine(verbose_name) -> bool:
    """Whether a model's Spanish name takes «la»: its first word decides ('fila de la matriz')."""
    with translation.override("es-pe"):
        noun = str(verbose_name).split()[0].lower()
    return noun not in MASCULINE_IN_A and noun.endswith(FEMININE_ENDINGS)


def saved_message(opts, obj, *, added: bool, follow_up: str = "") -> str:
    """'La lectura “…” fue agregada correctamente.', with the article and ending of the model's
    gender (Django's own message says "El lectura … fue agregado"). `follow_up` is "_continue"
    or "_addanother" when the person asked to keep editing or add another."""
    feminine = is_feminine(opts.verbose_name)
    if added:
        text = (
            pgettext("femenino", "La %(name)s “%(obj)s” fue agregada correctamente.")
            if feminine
            else pgettext("masculino", "El %(name)s “%(obj)s” fue agregado correctamente.")
        )
    else:
        text = (
            pgettext("femenino", "La %(name)s “%(obj)s” fue modificada correctamente.")
            if feminine
            else pgettext("masculino", "El %(name)s “%(obj)s” fue modificado correctamente.")
        )
    if follow_up == "_continue":
        text += " " + (
            pgettext("femenino", "Puede seguir editándola a continuación.")
            if feminine
            else pgettext("masculino", "Puede seguir editándolo a continuación.")
        )
    elif follow_up == "_addanother":
        text += " " + (
            pgettext("femenino", "Puede agregar otra %(name)s a continuación.")
            if feminine
            else pgettext("masculino", "Puede agregar otro %(name)s a continuación.")
        )
    return mark_safe(text % {"name": conditional_escape(opts.verbose_name), "obj": conditional_escape(str(obj))})


@functools.cache
def _plain_number(model, name):
    field = model._meta.get_field(name)

    def shown(obj):
        return number(getattr(obj, name))

    shown.__name__ = name  # the row's class and the field's help text follow the name
    shown.short_description = field.verbose_name
    shown.admin_order_field = name
    return shown


def plain_numbers(model, names):
    """`names` with each decimal field of `model` replaced by a display of its value without
    trailing zeros (45, 27.8; Django writes 45.0000), for lists and read-only pages."""

    def one(name):
        if isinstance(name, list | tuple):
            return type(name)(one(part) for part in name)
        if not isinstance(name, str):
            return name
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        return _plain_number(model, name) if isinstance(field, models.DecimalField) else name

    return [one(name) for name in names]


class PlainNumbersHistoryHelper(HistoricalRecordContextHelper):
    """The history list's "before → after", with numbers as people read them (12 → 13.5)."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(self.model._meta.get_field(change.field), models.DecimalField) and value is not None:
            return number(value)
        return super().prepare_delta_change_value(change, value)


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
    # --- the entity a record belongs to: the person's own, never chosen (core.scoping) ---

    def has_entity_field(self) -> bool:
        return any(field.name == "entity" for field in self.model._meta.fields)

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if self.has_entity_field() and not sees_everything(request.user):
            excluded.append("entity")  # theirs, set below; only a superuser picks one
        return excluded

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        return [*fields, "entity"] if self.has_entity_field() and "entity" not in fields else fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.has_entity_field() and "entity" not in fields:
            fields.append("entity")  # a record never moves to another entity
        return fields

    def get_form(self, request, obj=None, **kwargs):
        # The admin writes help texts as HTML: "(/planes/<identificador>/)" would lose its
        # <identificador>. They are plain text, escaped here (editable and read-only fields alike).
        kwargs["help_texts"] = {**escaped_help_texts(self.model), **(kwargs.get("help_texts") or {})}
        form = super().get_form(request, obj, **kwargs)
        entity = entity_id(request.user)
        if obj is not None or entity is None or not self.has_entity_field():
            return form

        class InTheirEntity(form):
            """A new record of the person's entity, checked as such (codes are unique per entity)."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.entity_id = entity

            def _get_validation_exclusions(self):
                excluded = super()._get_validation_exclusions()
                excluded.discard("entity")
                return excluded

        return InTheirEntity

    # --- the message after a save, in the model's gender ---

    def saved_message(self, obj, *, added: bool, follow_up: str = "") -> str:
        return saved_message(self.model._meta, obj, added=added, follow_up=follow_up)

    def response_add(self, request, obj, post_url_continue=None):
        request._saved_message = self.saved_message(obj, added=True, follow_up=_follow_up(request))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request._saved_message = self.saved_message(obj, added=False, follow_up=_follow_up(request))
        return super().response_change(request, obj)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's response_add/response_change send exactly one success message, built from
        # "The {name} … was added": it is replaced by the one of the right gender.
        replacement = getattr(request, "_saved_message", None)
        if replacement is not None and level == messages.SUCCESS:
            message = replacement
            del request._saved_message
        super().message_user(request, message, level, *args, **kwargs)

    # --- numbers without trailing zeros where nobody types them ---

    def get_list_display(self, request):
        return plain_numbers(self.model, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return plain_numbers(self.model, fields)  # a view-only page shows every field as text
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # The form was valid, but the record moved on before it was saved (another person's
            # step): the admin's transaction is rolled back; say why and show the record as it is.
            self.message_user(
                request,
                translation.gettext("No se guardó: %(reason)s") % {"reason": " ".join(refusal.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    # --- history: listed and shown within what the user may see, never reverted ---

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return PlainNumbersHistoryHelper(self.model, historical_record)

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
        fieldsets = [
            (name, {**options, "fields": plain_numbers(self.model, options["fields"])})
            for name, options in self.get_fieldsets(request, obj)
        ]
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


def escaped_help_texts(model) -> dict:
    """Each field's help text of `model` that holds a character HTML would read, escaped."""
    fields = [*model._meta.fields, *model._meta.many_to_many]
    return {
        field.name: conditional_escape(str(field.help_text))
        for field in fields
        if any(mark in str(field.help_text) for mark in "<>&")
    }


def _follow_up(request) -> str:
    return next((key for key in ("_continue", "_addanother") if key in request.POST), "")
