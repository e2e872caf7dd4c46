from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quedará en el historial de cada lectura."),
        error_messages={"required": _("Escriba el motivo.")},
    )


class CorrectionForm(forms.Form):
    value = forms.DecimalField(label=_("Valor corregido"), max_digits=16, decimal_places=4, localize=True)
    source = forms.CharField(label=_("Fuente"), max_length=300)
    note = forms.CharField(label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("Motivo de la corrección"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se publica junto al dato corregido."),
    )
