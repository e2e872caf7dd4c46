import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.formatting import number

from . import validation


def checked(check):
    """A shared check of `indicators.validation` as a form or serializer validator (DRF takes
    Django's ValidationError too): the same rule and the same words everywhere."""

    def validator(value):
        if messages := check(value):
            raise ValidationError(messages)

    return validator


def unit_rule(unit) -> str:
    """What a value of `unit` may be, for the line beside the field: 'h/día · de 0 a 24 · 1 decimal'."""
    low = None if unit.min_value is None else number(unit.min_value)
    high = None if unit.max_value is None else number(unit.max_value)
    if low is not None and high is not None:
        span = _("de %(min)s a %(max)s") % {"min": low, "max": high}
    elif low is not None:
        span = _("desde %(min)s") % {"min": low}
    elif high is not None:
        span = _("hasta %(max)s") % {"max": high}
    else:
        span = ""
    if unit.decimals:
        places = ngettext("%(count)s decimal", "%(count)s decimales", unit.decimals) % {"count": unit.decimals}
    else:
        places = str(_("número entero"))
    return " · ".join(str(part) for part in (unit.symbol or unit.name, span, places) if part)


def typing_hint(unit) -> str:
    """How to type a value of `unit` (None: not chosen yet): a whole number for a unit without
    decimals (17 denuncias, never "16.8"), else either decimal mark."""
    if unit is not None and not unit.decimals:
        return str(_("Escriba un número entero, p. ej. 17."))
    return str(_("Escriba 16.8 o 16,8; con miles, 1,095.5 o 1095.5."))


def unit_data(unit) -> dict:
    """What static/js/value-input.js needs to read and preview a value of `unit`."""
    return {
        "symbol": unit.symbol,
        "decimals": unit.decimals,
        "min": None if unit.min_value is None else str(unit.min_value),
        "max": None if unit.max_value is None else str(unit.max_value),
        "rule": unit_rule(unit),
        "hint": typing_hint(unit),
    }


class NumberText(forms.TextInput):
    """A number typed as people write it: text (a browser's number field turns 16,8 into 168 or
    refuses it, by the computer's language), with the decimal keyboard on phones."""

    def __init__(self, attrs=None):
        typing = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
        super().__init__({**typing, **(attrs or {})})


class ValueInput(NumberText):
    """A value typed as people write it (16,8 or 16.8 or 1,095.5): a text input that opens the
    decimal keyboard on phones, with the unit, its range and decimals beside it and the number as
    read ("= 16.8 h/día") previewed by static/js/value-input.js. The server reads the text again
    with `validation.parse_value`, so the form works the same without JavaScript.

    `unit` is the unit when known; `units` maps each indicator a select on the page may choose
    to its unit, so the line follows the choice."""

    class Media:
        js = ["js/value-input.js"]
        css = {"all": ["css/admin-entry.css"]}

    def __init__(self, attrs=None):
        super().__init__({"class": "value-input", **(attrs or {})})
        self.unit = None
        self.units = None

    def format_value(self, value):
        if isinstance(value, Decimal):
            return validation.value_text(value, self.unit.decimals if self.unit else None)
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        field_id = attrs.get("id") or f"id_{name}"
        rule_id = f"{field_id}_regla"
        attrs["aria-describedby"] = rule_id
        attrs["data-messages"] = json.dumps(
            {
                "ambiguous": str(
                    _(
                        "Ambiguo: ¿%(thousands)s o %(decimal)s? Escriba %(thousands)s si son miles, o "
                        "%(decimal)s si es un decimal."
                    )
                ),
                "invalid": str(_("No es un número.")),
                "outside": str(_("Fuera del rango de la unidad.")),
                "places": str(_("Tiene más decimales de los que admite la unidad.")),
            }
        )
        if self.unit is not None:
            attrs["data-unit"] = json.dumps(unit_data(self.unit))
        if self.units is not None:
            attrs["data-units"] = json.dumps(self.units)
        field = super().render(name, value, attrs, renderer)
        rule = unit_rule(self.unit) if self.unit is not None else _("Elija el indicador para ver su unidad y rango")
        return format_html(
            '<div class="value-field">{} <span class="value-unit">{}</span> '
            '<output class="value-preview" for="{}" aria-live="polite"></output>'
            '<div class="help value-rule" id="{}"><span class="value-rule-unit">{}</span>. '
            '<span class="value-rule-hint">{}</span></div></div>',
            field,
            self.unit.symbol if self.unit is not None else "",
            field_id,
            rule_id,
            rule,
            typing_hint(self.unit),
        )


class ValueField(forms.CharField):
    """The value's text as typed. The form reads it with the unit it then knows
    (`validation.parse_value(text, unit.decimals)`): "1.150" means 1150 for a count and is
    refused as ambiguous for a percentage."""

    widget = ValueInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": _("Escriba el valor.")})
        super().__init__(**kwargs)


def read_value(form, text, unit):
    """Parse the value field's `text` for `unit` (None: unknown yet) into the form's cleaned data."""
    if text in (None, ""):
        return
    try:
        form.cleaned_data["value"] = validation.parse_value(text, unit.decimals if unit is not None else None)
    except ValueError as error:
        form.add_error("value", str(error))


class FlexibleDecimalField(forms.DecimalField):
    """A number of the plan (a unit's range, a baseline, a target) typed as people write it, read by
    the same parser as readings; shown without trailing zeros (45, not 45.0000)."""

    widget = NumberText

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return validation.parse_value(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error

    def prepare_value(self, value):
        return validation.value_text(value) if isinstance(value, Decimal) else value


TYPED_DECIMALS = {models.DecimalField: {"form_class": FlexibleDecimalField}}
"""Every admin's `formfield_overrides` (`core.admin_base` names it): the plan's numbers typed as
people write them, read by the readings' parser."""


class ReadingForm(forms.ModelForm):
    """The admin's form of a reading: the value is read with the unit of the chosen indicator."""

    value = ValueField(label=_("Valor"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["value"].widget
        if "indicator" in self.fields:
            choices = self.fields["indicator"].queryset.select_related("unit")
            indicators = {indicator.pk: indicator for indicator in choices}
            widget.units = {pk: unit_data(indicator.unit) for pk, indicator in indicators.items()}
            chosen = self["indicator"].value()
            chosen = indicators.get(int(chosen)) if str(chosen or "").isdigit() else None
            widget.unit = chosen.unit if chosen else None
        elif self.instance.indicator_id:
            widget.unit = self.instance.indicator.unit

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("indicator") if "indicator" in self.fields else self.instance.indicator
        read_value(self, cleaned.get("value"), indicator.unit if indicator else None)
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quedará en el historial de cada lectura."),
        error_messages={"required": _("Escriba el motivo.")},
    )


class CorrectionForm(forms.Form):
    value = ValueField(label=_("Valor corregido"))
    source = forms.CharField(
        label=_("Fuente"),
        widget=forms.TextInput(attrs={"maxlength": validation.SOURCE_MAX_LENGTH}),
        validators=[checked(validation.source_errors)],
    )
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": validation.NOTE_MAX_LENGTH}),
        validators=[checked(validation.note_errors)],
    )
    reason = forms.CharField(
        label=_("Motivo de la corrección"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se publica junto al dato corregido."),
    )

    def __init__(self, *args, reading, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = reading.indicator.unit
        self.fields["value"].widget.unit = self.unit

    def clean(self):
        cleaned = super().clean()
        read_value(self, cleaned.get("value"), self.unit)
        return cleaned
