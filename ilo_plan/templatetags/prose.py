"""Text written for data files, shown on a page."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

BACKTICKS = re.compile(r"`([^`]+)`")


@register.filter
def code_spans(text) -> str:
    """`name` as <code>name</code>: the data dictionary's descriptions name tables, columns and
    values in backticks (CommonMark, as datapackage.json allows), and on the page those names are
    code, not words of the sentence."""
    return mark_safe(BACKTICKS.sub(r"<code>\1</code>", escape(str(text))))
