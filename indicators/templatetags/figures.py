"""Figures a citizen reads at a glance, written by `core.formatting` in the page's language."""

from django import template

from core import formatting
from indicators.chart_svg import legend_swatch
from indicators.charts import sparkline_points

register = template.Library()


@register.filter
def num(value, decimals=None):
    """1523.44 → '1,523.44'; 27.8000 → '27.8'; None → '—'; `|num:1` rounds to one decimal."""
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


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


@register.simple_tag(takes_context=True)
def latest_rows(context, rows, limit=LATEST_ROWS):
    """A long series' table shows its latest `limit` rows (`rows` come newest first) unless the
    address asks for all of them with ?todas=1. Slicing the list fetched already: no query more."""
    request = context.get("request")
    everything = request is not None and request.GET.get("todas") == "1"
    rows = list(rows)
    shown = rows if everything else rows[:limit]
    return {"rows": shown, "total": len(rows), "hidden": len(rows) - len(shown), "all": everything, "limit": limit}
