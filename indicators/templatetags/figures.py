"""Figures a citizen reads at a glance, written by `core.formatting` in the page's language."""

from dataclasses import dataclass

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from core import formatting
from core.templatetags.plan_words import es
from indicators.chart_svg import legend_swatch
from indicators.charts import sparkline_points

register = template.Library()


@register.filter
def num(value, decimals=None):
    """1523.44 → '1,523.44'; 27.8000 → '27.8'; None → '—'; `|num:1` rounds to one decimal."""
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def period(value, frequency="annual"):
    """A reading's period as its frequency reads it: '2019' for a year, 'marzo de 2021' for a month."""
    return formatting.period(value, frequency)


@register.filter
def pct(value):
    """40.4 → '40 %'; None → '—'."""
    return formatting.percent(value)


@register.filter
def sparkline(series):
    return sparkline_points(series)


@register.filter
def swatch(style):
    """How one legend entry of a chart is drawn, as a small SVG."""
    return legend_swatch(style)


LATEST_ROWS = 12


@dataclass(frozen=True)
class TableRow:
    """A public reading as a line of the table of published figures, its words already written:
    the table is the longest loop of a page, and a template node costs more than a line here."""

    reading: object  # a `PublicReading` (`Reading.objects.public_rows()`)
    period: str
    timing: str  # "antes del periodo" / "después del plazo", or "" for a result or on an indicator's page
    value: str
    provenance: str
    approved: str  # "aprobado el 15/02/2020"; "" for a figure cited from the plan
    correction: str  # "Corregido el … (antes: …)" or ""


class TableWords:
    """The table's fixed words in the page's language, translated once per table, not once per row."""

    def __init__(self):
        self.undated = gettext("sin año en el plan")
        self.timing = {
            "before": pgettext("reading timing", "antes del periodo"),
            "after": pgettext("reading timing", "después del plazo"),
        }
        self.cited = gettext("Citado del plan")
        self.demo = gettext("demostración")
        self.registered = gettext("Registrado por la municipalidad")
        self.approved = gettext("aprobado el %(date)s")
        self.corrected = gettext("Corregido el %(date)s (antes: %(before)s)")


def table_row(reading, frequency: str, symbol: str, words: TableWords) -> TableRow:
    if reading.is_undated:
        period = words.undated
    elif frequency == "monthly":
        period = formatting.month_year(reading.period)
    else:
        period = str(reading.period.year)
    approved = correction = ""
    if reading.is_cited:
        provenance = words.cited
    else:
        provenance = words.demo if reading.is_demo else words.registered
        day = formatting.short_date(timezone.localtime(reading.approved_at).date())
        approved = words.approved % {"date": day}
        if reading.corrects_id:
            correction = words.corrected % {"date": day, "before": formatting.number(reading.corrected_value)}
    return TableRow(
        reading,
        period,
        words.timing.get(getattr(reading, "timing", None), ""),
        f"{formatting.number(reading.value)} {symbol}",
        provenance,
        approved,
        correction,
    )


# A row of the table of published figures. Written here rather than in the template: the table is
# a page's longest loop, and each template node of each row cost more than this whole line.
ROW_HTML = (
    '<tr>\n    <th scope="row" data-label="{}">{}{}</th>\n    <td data-label="{}">{}</td>\n'
    '    <td data-label="{}">{}{}</td>\n    <td data-label="{}">{}{}{}</td>\n  </tr>'
)


def row_html(row: TableRow, labels) -> str:
    period_label, value_label, source_label, provenance_label = labels
    reading = row.reading
    return format_html(
        ROW_HTML,
        period_label,
        row.period,
        format_html('<br><span class="tag">{}</span>', row.timing) if row.timing else "",
        value_label,
        row.value,
        source_label,
        es(reading.source),
        format_html(' <span class="small">({})</span>', es(reading.note)) if reading.note else "",
        provenance_label,
        format_html('<span class="tag">{}</span>', row.provenance)
        if reading.is_demo and not reading.is_cited
        else row.provenance,
        format_html('<br><span class="small">{}</span>', row.approved) if row.approved else "",
        format_html("<br><strong>{}</strong>", row.correction) if row.correction else "",
    )


@register.simple_tag(takes_context=True)
def latest_rows(context, rows, indicator, limit=LATEST_ROWS):
    """A long series' table shows its latest `limit` rows (`rows` come newest first) unless the
    address asks for all of them with ?todas=1. Slicing the list fetched already: no query more.
    The shown rows come as `rows` (each a `TableRow` of `indicator`'s figures) and as `html`,
    the table's body written with the column labels its cards show on a phone."""
    request = context.get("request")
    everything = request is not None and request.GET.get("todas") == "1"
    rows = list(rows)
    shown = rows if everything else rows[:limit]
    symbol, words = indicator.unit.display_symbol, TableWords()
    table_rows = [table_row(reading, indicator.frequency, symbol, words) for reading in shown]
    labels = (gettext("Periodo"), gettext("Valor"), gettext("Fuente"), gettext("Procedencia"))
    return {
        "rows": table_rows,
        "labels": labels,
        "html": mark_safe("".join(row_html(row, labels) for row in table_rows)),  # noqa: S308 (each row escaped)
        "total": len(rows),
        "hidden": len(rows) - len(shown),
        "all": everything,
        "limit": limit,
    }
