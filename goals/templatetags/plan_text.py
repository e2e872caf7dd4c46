"""The plan's own text (`PlanSection.text`) as HTML, every character escaped: blank lines part
paragraphs, «## » starts a heading, «- » a list item and «> » a note of this site (never the
plan's words)."""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

register = template.Library()


# Notes this site writes into the plans' sections ("> " blocks), known to the translation catalogue.
SITE_NOTES = [
    gettext_noop(
        "El plan muestra aquí un gráfico; sus cifras no están en el texto del plan, por eso este sitio no las registra."
    ),
]


@register.filter
def plan_text(text):
    return mark_safe("\n".join(_block(block.strip()) for block in text.split("\n\n") if block.strip()))  # noqa: S308


def _block(block: str) -> str:
    lines = block.splitlines()
    # The plan's words stay Spanish on the English site: marked so (a screen reader reads them so).
    lang = mark_safe("" if (get_language() or "es").startswith("es") else ' lang="es"')  # noqa: S308
    if all(line.startswith("- ") for line in lines):
        items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
        return format_html("<ul{}>{}</ul>", lang, items)
    if block.startswith("## "):
        return format_html("<h3{}>{}</h3>", lang, block[3:])
    if block.startswith("> "):
        # The site's own notes are the site's words: translated where the catalogue knows them
        # (SITE_NOTES), else kept Spanish and marked so.
        note = gettext(block[2:])
        note_lang = "" if note != block[2:] else lang
        return format_html(
            '<p class="site-note"><strong>{}</strong> <span{}>{}</span></p>',
            gettext("Nota de este sitio:"),
            note_lang,
            note,
        )
    return format_html("<p{}>{}</p>", lang, mark_safe("<br>".join(escape(line) for line in lines)))  # noqa: S308
