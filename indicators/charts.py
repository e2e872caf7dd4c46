"""Figures built in Python: an inline SVG sparkline and the Plotly figure of a series.

The Plotly figure travels to the page as JSON (json_script) and is drawn by a static script,
so no inline script is needed under the Content-Security-Policy."""

import textwrap
from datetime import date
from decimal import Decimal
from html import escape

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from . import formatting

SPARK_WIDTH, SPARK_HEIGHT = 100, 24
# plotly.js writes style rules at run time (its modebar and hover labels); pages that draw a
# chart allow inline *styles*, never inline scripts.
CHART_STYLES = {"style-src": ["'unsafe-inline'"]}


def sparkline_points(series) -> str:
    """SVG polyline points for a series of (period, value), scaled into a 100×24 box."""
    points = [(p.period.toordinal(), float(p.value)) for p in series]
    if len(points) < 2:
        return ""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    x_low, y_low = min(xs), min(ys)
    x_span, y_span = (max(xs) - x_low) or 1, (max(ys) - y_low) or 1
    return " ".join(
        f"{(x - x_low) / x_span * SPARK_WIDTH:.1f},{SPARK_HEIGHT - 2 - (y - y_low) / y_span * (SPARK_HEIGHT - 4):.1f}"
        for x, y in points
    )


# How a group of readings is drawn: the results, figures given as context, and figures shown
# but never judged (after a target's deadline).
TRACE_STYLES = {
    "main": {"mode": "lines+markers", "line": {"color": "#0b5394", "width": 3}, "marker": {"size": 8}},
    "context": {
        "mode": "lines+markers",
        "line": {"color": "#6b6b6b", "width": 1, "dash": "dot"},
        "marker": {"size": 8, "symbol": "square", "color": "#6b6b6b"},
    },
    "after": {"mode": "markers", "marker": {"size": 9, "symbol": "circle-open", "color": "#444", "line": {"width": 2}}},
}
NOTE_WIDTH = 38


def provenance_group(reading) -> tuple[str, str]:
    """The legend entry and style of a reading on an indicator's own chart: who vouches for it."""
    return str(reading.provenance.label).capitalize(), "context" if reading.is_cited else "main"


def series_figure(
    readings,
    *,
    title: str,
    unit: str,
    frequency: str = "annual",
    group=provenance_group,
    baseline: Decimal | None = None,
    baseline_date: date | None = None,
    target: Decimal | None = None,
    deadline: date | None = None,
    projection: float | None = None,
    projection_from: tuple[date, Decimal] | None = None,
    reference: Decimal | None = None,
    reference_label: str = "",
) -> dict:
    """The chart of a target or an indicator, as a plain dict ready for json_script.

    `readings` are public readings, oldest first; `group(reading)` gives each one its legend
    entry and style. Every point's hover says who vouches for it and its note; notes of figures
    cited from the plan ("sin año en el plan") are written on the chart."""
    text = {
        "baseline": _("Línea de base"),
        "target": _("Meta"),
        "deadline": _("Plazo"),
        "projection": _("Proyección"),
    }
    groups: dict[tuple[str, str], list] = {}
    for reading in readings:
        groups.setdefault(group(reading), []).append(reading)
    figure = go.Figure()
    for (name, style), members in groups.items():
        figure.add_trace(
            go.Scatter(
                x=[r.period.isoformat() for r in members],
                y=[float(r.value) for r in members],
                name=name,
                hovertext=[_hover(r, unit, frequency) for r in members],
                hoverinfo="text",
                **TRACE_STYLES[style],
            )
        )
    for reading in readings:
        if reading.is_cited and reading.note:
            figure.add_annotation(
                x=reading.period.isoformat(),
                y=float(reading.value),
                text=_wrap(reading.note),
                showarrow=True,
                arrowhead=2,
                ax=0,
                ay=-48,
                font={"size": 11},
                align="left",
            )
    if baseline is not None and baseline_date is not None:
        figure.add_trace(
            go.Scatter(
                x=[baseline_date.isoformat()],
                y=[float(baseline)],
                mode="markers",
                name=text["baseline"],
                marker={"size": 11, "symbol": "diamond", "color": "#6b6b6b"},
            )
        )
    if target is not None:
        figure.add_hline(
            y=float(target),
            line={"color": "#1e7b34", "dash": "dash", "width": 2},
            annotation_text=f"{text['target']}: {formatting.number(target)} {unit}",
            annotation_position="top left",
        )
    if reference is not None:
        figure.add_hline(
            y=float(reference),
            line={"color": "#8a4b00", "dash": "dot", "width": 2},
            annotation_text=reference_label,
            annotation_position="bottom left",
        )
    if deadline is not None:
        figure.add_vline(x=deadline.isoformat(), line={"color": "#444", "dash": "dot", "width": 1})
        figure.add_annotation(
            x=deadline.isoformat(), y=1, yref="paper", text=text["deadline"], showarrow=False, xanchor="right"
        )
    if projection is not None and projection_from is not None and deadline is not None:
        period, value = projection_from
        figure.add_trace(
            go.Scatter(
                x=[period.isoformat(), deadline.isoformat()],
                y=[float(value), projection],
                mode="lines",
                name=text["projection"],
                line={"color": "#8a4b00", "dash": "dash", "width": 2},
            )
        )
    figure.update_layout(
        title={"text": title, "font": {"size": 15}},
        margin={"l": 48, "r": 16, "t": 48, "b": 40},
        height=340,
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
        xaxis={"type": "date"},
        font={"family": "system-ui, sans-serif", "size": 13},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return figure.to_plotly_json()


def _hover(reading, unit: str, frequency: str) -> str:
    lines = [
        f"{formatting.period(reading.period, frequency)}: {formatting.number(reading.value)} {unit}",
        str(reading.provenance.label).capitalize(),
    ]
    if reading.note:
        lines.append(_wrap(reading.note))
    return "<br>".join(escape(line) if i < 2 else line for i, line in enumerate(lines))


def _wrap(note: str) -> str:
    """A note in short lines for the chart, each escaped (plotly reads a little HTML)."""
    return "<br>".join(escape(line) for line in textwrap.wrap(note, NOTE_WIDTH))
