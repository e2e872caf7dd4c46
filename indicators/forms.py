from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import validation


def checked(check):
    """A shared check of `indicators.validation` as a form or serializer validator (DRF takes
    Django's ValidationError too): the same rule and the same words everywhere."""

    def validator(value):
        if messages := check(value):
            raise ValidationError(messages)

    return validator


class FlexibleDecimalField(forms.DecimalField):
    """Takes 12.5 as Peru writes it and 12,5 as Excel in Spanish does, by the imports' rule."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return validation.parse_value(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quedará en el historial de cada lectura."),
        error_messages={"required": _("Escriba el motivo.")},
    )


class CorrectionForm(forms.Form):
    value = FlexibleDecimalField(
        label=_("Valor corregido"), max_digits=validation.VALUE_MAX_DIGITS, decimal_places=validation.VALUE_MAX_DECIMALS
    )
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
