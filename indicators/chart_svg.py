"""A series' chart as an accessible inline SVG, drawn on the server: the chart everyone sees,
with no JavaScript. It draws what `indicators.charts.Chart` describes — the points by group, the
baseline, the target and reference lines, the deadline and the projection — with the same
colours and shapes as the interactive chart, figures written by `core.formatting`.

Presentation attributes only (no `style`), so the strict Content-Security-Policy holds."""

import math
from datetime import date

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core import formatting

WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 14, 22, 26
FONT = 13
MAX_X_TICKS = 6
MAX_Y_TICKS = 5
INK, MUTED, GRID = "#1a1a1a", "#555555", "#dddddd"
# How each thing is coloured, here and on the interactive chart.
COLOURS = {
    "main": "#0b5394",
    "context": "#6b6b6b",
    "after": "#444444",
    "baseline": "#6b6b6b",
    "target": "#1e7b34",
    "reference": "#8a4b00",
    "deadline": "#444444",
    "projection": "#8a4b00",
}


def nice_step(span: float, count: int = MAX_Y_TICKS) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that cuts `span` into at most about `count` parts."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def value_range(values: list[float]) -> tuple[float, float, list[float]]:
    """The y axis: from zero (or the lowest negative value) to the highest value, widened to
    round ticks; a flat series still gets a range."""
    low, high = min([0.0, *values]), max([0.0, *values])
    if high == low:
        high = low + 1
    step = nice_step(high - low)
    bottom, top = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    count = round((top - bottom) / step)
    return bottom, top, [bottom + i * step for i in range(count + 1)]


def date_range(days: list[date]) -> tuple[int, int]:
    """The x axis in ordinal days: all the dates with a little room either side (half a year
    either side of a lone date)."""
    low, high = min(d.toordinal() for d in days), max(d.toordinal() for d in days)
    pad = max((high - low) * 0.04, 30) if high > low else 183
    return math.floor(low - pad), math.ceil(high + pad)


def year_ticks(low: int, high: int) -> list[date]:
    """1 January of every year (or every few years) inside the axis."""
    first, last = date.fromordinal(low).year + 1, date.fromordinal(high).year
    years = list(range(first, last + 1))
    if date(date.fromordinal(low).year, 1, 1).toordinal() >= low:
        years.insert(0, date.fromordinal(low).year)
    step = max(1, math.ceil(len(years) / MAX_X_TICKS))
    return [date(year, 1, 1) for year in years[::step]]


def render(chart, element_id: str = "chart-svg") -> SafeString:
    """The chart's SVG markup; empty when it has no point."""
    points = chart.points
    if not points:
        return mark_safe("")
    days = [p.when for p in points]
    values = [p.value for p in points]
    if chart.baseline is not None:
        days.append(chart.baseline.when)
        values.append(chart.baseline.value)
    if chart.deadline is not None:
        days.append(chart.deadline)
    if chart.projection is not None:
        days.extend(p.when for p in chart.projection)
        values.extend(p.value for p in chart.projection)
    for line in (chart.target, chart.reference):
        if line is not None:
            values.append(line.value)
    x_low, x_high = date_range(days)
    y_low, y_high, y_ticks = value_range(values)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    scale = 1 if len(points) <= 24 else 0.6  # smaller markers on long series

    def x(day: date) -> float:
        return LEFT + (day.toordinal() - x_low) / (x_high - x_low) * plot_width

    def y(value: float) -> float:
        return TOP + (y_high - value) / (y_high - y_low) * plot_height

    parts = [
        format_html(
            '<svg class="chart-svg" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'font-family="system-ui, sans-serif" font-size="{}">',
            element_id,
            WIDTH,
            HEIGHT,
            element_id,
            element_id,
            FONT,
        ),
        format_html('<title id="{}-title">{}</title>', element_id, chart.title),
        format_html('<desc id="{}-desc">{}</desc>', element_id, chart.description()),
    ]
    # Grid and axes.
    for tick in y_ticks:
        ty = y(tick)
        parts.append(_line(LEFT, ty, WIDTH - RIGHT, ty, INK if tick == 0 else GRID, 1))
        parts.append(_text(LEFT - 6, ty + 4, formatting.number(round(tick, 10)), MUTED, anchor="end"))
    for tick in year_ticks(x_low, x_high):
        tx = x(tick)
        parts.append(_line(tx, HEIGHT - BOTTOM, tx, HEIGHT - BOTTOM + 4, MUTED, 1))
        parts.append(_text(tx, HEIGHT - BOTTOM + 17, formatting.period(tick, "annual"), MUTED, anchor="middle"))
    # Target, reference and deadline.
    colours = COLOURS
    if chart.target is not None:
        ty = y(chart.target.value)
        parts.append(_line(LEFT, ty, WIDTH - RIGHT, ty, colours["target"], 2, dash="6 4", kind="target"))
        parts.append(_text(LEFT + 4, ty - 5, chart.target.label, colours["target"], weight="bold"))
    if chart.reference is not None:
        ty = y(chart.reference.value)
        parts.append(_line(LEFT, ty, WIDTH - RIGHT, ty, colours["reference"], 2, dash="2 3", kind="reference"))
        if chart.reference.label:
            parts.append(_text(LEFT + 4, ty + 15, chart.reference.label, colours["reference"]))
    if chart.deadline is not None:
        dx = x(chart.deadline)
        parts.append(_line(dx, TOP - 8, dx, HEIGHT - BOTTOM, colours["deadline"], 1.5, dash="2 3", kind="deadline"))
        parts.append(_text(dx - 4, TOP - 10 + FONT, _("Plazo"), colours["deadline"], anchor="end"))
    if chart.projection is not None:
        start, end = chart.projection
        parts.append(
            format_html(
                '<polyline class="projection" points="{}" fill="none" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"><title>{}</title></polyline>',
                _points([(x(start.when), y(start.value)), (x(end.when), y(end.value))]),
                colours["projection"],
                end.label,
            )
        )
    # The series: lines first, then every point with its own title.
    for group in chart.groups:
        if group.style == "after" or len(group.points) < 2:
            continue
        width, dash = (3, "") if group.style == "main" else (1.5, "2 3")
        parts.append(
            format_html(
                '<polyline class="series {}" points="{}" fill="none" stroke="{}" stroke-width="{}"{}/>',
                group.style,
                _points([(x(p.when), y(p.value)) for p in group.points]),
                colours[group.style],
                width,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
            )
        )
    for group in chart.groups:
        for point in group.points:
            parts.append(
                _marker(group.style, x(point.when), y(point.value), _title(point), colours[group.style], scale)
            )
    if chart.baseline is not None:
        parts.append(
            _marker(
                "baseline", x(chart.baseline.when), y(chart.baseline.value), chart.baseline.label, colours["baseline"]
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def legend_swatch(style: str) -> SafeString:
    """A small SVG of how one legend entry is drawn, for the legend under the chart."""
    colours = COLOURS
    colour = colours[style]
    inner = {
        "main": format_html(
            '<line x1="0" y1="7" x2="24" y2="7" stroke="{}" stroke-width="3"/><circle cx="12" cy="7" r="4" fill="{}"/>',
            colour,
            colour,
        ),
        "context": format_html(
            '<line x1="0" y1="7" x2="24" y2="7" stroke="{}" stroke-width="1.5" stroke-dasharray="2 3"/>'
            '<rect x="8.5" y="3.5" width="7" height="7" fill="{}"/>',
            colour,
            colour,
        ),
        "after": format_html('<circle cx="12" cy="7" r="4.5" fill="#fff" stroke="{}" stroke-width="2"/>', colour),
        "baseline": format_html('<polygon points="12,1.5 17.5,7 12,12.5 6.5,7" fill="{}"/>', colour),
        "target": format_html(
            '<line x1="0" y1="7" x2="24" y2="7" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>', colour
        ),
        "reference": format_html(
            '<line x1="0" y1="7" x2="24" y2="7" stroke="{}" stroke-width="2" stroke-dasharray="2 3"/>', colour
        ),
        "deadline": format_html(
            '<line x1="12" y1="0" x2="12" y2="14" stroke="{}" stroke-width="1.5" stroke-dasharray="2 3"/>', colour
        ),
        "projection": format_html(
            '<line x1="0" y1="12" x2="24" y2="2" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>', colour
        ),
    }[style]
    return format_html('<svg class="swatch" viewBox="0 0 24 14" aria-hidden="true" focusable="false">{}</svg>', inner)


def _title(point) -> str:
    return f"{point.label}. {point.note}" if point.note else point.label


def _points(coordinates) -> str:
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in coordinates)


def _line(x1, y1, x2, y2, colour, width, dash="", kind="") -> str:
    # Plain f-strings for the many numeric elements: format_html costs several times more.
    kind_attr = f' class="{kind}"' if kind else ""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line{kind_attr} x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width}"{dash_attr}/>'
    )


def _text(px, py, text, colour, anchor="start", weight="") -> str:
    weight_attr = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{px:.1f}" y="{py:.1f}" fill="{colour}" text-anchor="{anchor}"{weight_attr}>'
        f"{escape(str(text))}</text>"
    )


def _marker(style: str, px: float, py: float, title: str, colour: str, scale: float = 1) -> str:
    title_markup = f"<title>{escape(str(title))}</title>"
    if style == "context":
        side = 7 * scale
        return (
            f'<rect class="point context" x="{px - side / 2:.1f}" y="{py - side / 2:.1f}" width="{side:.1f}" '
            f'height="{side:.1f}" fill="{colour}">{title_markup}</rect>'
        )
    if style == "after":
        return (
            f'<circle class="point after" cx="{px:.1f}" cy="{py:.1f}" r="{4.5 * scale:.1f}" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="2">{title_markup}</circle>'
        )
    if style == "baseline":
        corners = _points([(px, py - 6), (px + 6, py), (px, py + 6), (px - 6, py)])
        return f'<polygon class="point baseline" points="{corners}" fill="{colour}">{title_markup}</polygon>'
    return (
        f'<circle class="point main" cx="{px:.1f}" cy="{py:.1f}" r="{4 * scale:.1f}" fill="{colour}">'
        f"{title_markup}</circle>"
    )
