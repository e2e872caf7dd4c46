"""The plan's own words (targets, objectives, indicators, sections, offices: the data's Spanish)
marked as Spanish on a page in another language, so that a screen reader reads them as Spanish and
a reader knows they are quoted, not translated. On a Spanish page they are written as they are."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.filter
def es(text):
    """`{{ target.sentence|es }}`: the text, escaped, in a `<span lang="es">` under /en/."""
    if text in (None, "") or (get_language() or "es").startswith("es"):
        return text
    return format_html('<span lang="es">{}</span>', text)


@register.filter
def unit_of(target):
    """`{{ target|unit_of }}`: a target's unit in the page's language (`Target.unit_label`), and
    the plan's own word for it, marked Spanish, when the catalogue has no English for it."""
    label = target.unit_label
    return es(label) if label == target.unit else label
