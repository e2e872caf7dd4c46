"""`{% link %}` and `{% panels %}`: what a lower app's template shows of the apps above it, which
fill these slots at start-up (core.slots), so that the template names none of them."""

from django import template
from django.utils.safestring import mark_safe

from .. import slots

register = template.Library()


@register.simple_tag
def link(purpose, *args):
    """`{% link "methodology" %}`, `{% link "indicator" indicator as url %}`: the address an upper
    app gives for the purpose, or "" (nothing to link to)."""
    return slots.link(purpose, *args) or ""


@register.simple_tag(takes_context=True)
def panels(context, place, **values):
    """`{% panels "goals.axis" axis=axis plan=plan %}`: every panel given for the place, each its
    template rendered with the context its app makes of the values (as an inclusion tag does)."""
    engine = context.template.engine
    rendered = [engine.get_template(name).render(context.new(own)) for name, own in slots.panels(place, **values)]
    return mark_safe("".join(rendered))  # noqa: S308 (each rendered by its template, autoescaped)
