"""Figures a citizen reads at a glance, written by `indicators.formatting` in the page's language."""

from django import template

from indicators import formatting
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
