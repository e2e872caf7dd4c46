"""The plan's own text (`PlanSection.text`) as HTML, every character escaped: blank lines part
paragraphs, «## » starts a heading, «- » a list item and «> » a note of this site (never the
plan's words)."""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def plan_text(text):
    return mark_safe("\n".join(_block(block.strip()) for block in text.split("\n\n") if block.strip()))  # noqa: S308


def _block(block: str) -> str:
    lines = block.splitlines()
    if all(line.startswith("- ") for line in lines):
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines)))
    if block.startswith("## "):
        return format_html("<h3>{}</h3>", block[3:])
    if block.startswith("> "):
        return format_html('<p class="site-note"><strong>{}</strong> {}</p>', gettext("Nota de este sitio:"), block[2:])
    return format_html("<p>{}</p>", mark_safe("<br>".join(escape(line) for line in lines)))  # noqa: S308
