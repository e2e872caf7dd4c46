from decimal import InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .imports import parse_value


class FlexibleDecimalField(forms.DecimalField):
    """Takes 12.5 as Peru writes it and 12,5 as Excel in Spanish does, by the imports' rule."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_value(value)
        except (InvalidOperation, ValueError) as error:
            raise ValidationError(f"«{value}» no es un número.", code="invalid") from error


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quedará en el historial de cada lectura."),
        error_messages={"required": _("Escriba el motivo.")},
    )


class CorrectionForm(forms.Form):
    value = FlexibleDecimalField(label=_("Valor corregido"), max_digits=16, decimal_places=4)
    source = forms.CharField(label=_("Fuente"), max_length=300)
    note = forms.CharField(label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("Motivo de la corrección"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se publica junto al dato corregido."),
    )
