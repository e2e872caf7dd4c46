"""Words of the admin that agree with the model's gender: "Guardar y añadir otra" for a lectura."""

from django import template
from django.utils.translation import pgettext

from core.admin_base import is_feminine

register = template.Library()


@register.simple_tag
def save_and_add_another(opts) -> str:
    if is_feminine(opts.verbose_name):
        return pgettext("femenino", "Guardar y añadir otra")
    return pgettext("masculino", "Guardar y añadir otro")
