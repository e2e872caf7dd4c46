"""Formatting a citizen reads at a glance: numbers as Peru writes them, percentages, status marks."""

from decimal import Decimal, InvalidOperation

from django import template

from indicators.charts import sparkline_points

register = template.Library()

# Each status has a shape as well as a colour, so it never relies on colour alone.
STATUS_ICONS = {
    "achieved": "✔",
    "on_track": "➜",
    "at_risk": "⚠",
    "off_track": "▼",
    "not_achieved": "✖",
    "no_data": "?",
}


@register.filter
def num(value):
    """1523.44 → '1,523.44'; 27.8000 → '27.8'; None → '—'."""
    if value is None or value == "":
        return "—"
    try:
        text = format(Decimal(str(value)).normalize(), ",f")
    except InvalidOperation:
        return value
    return text


@register.filter
def pct(value):
    return "—" if value is None else f"{round(value)} %"


@register.filter
def status_icon(status):
    return STATUS_ICONS.get(str(status), "")


@register.filter
def sparkline(series):
    return sparkline_points(series)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(status):
    return {"status": status, "icon": STATUS_ICONS.get(str(status), "")}


@register.inclusion_tag("includes/progress_bar.html")
def progress_bar(progress, expected=None):
    return {
        "progress": None if progress is None else round(progress),
        "expected": None if expected is None else round(expected),
    }
