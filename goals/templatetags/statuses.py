"""Status marks and words for templates: a badge with a shape and a label, the progress bar or
the reason there is none, and how many targets an average covers."""

from django import template

from goals import public, wording

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
def status_icon(status):
    return STATUS_ICONS.get(str(status), "")


@register.filter
def status_label(status):
    return wording.status_label(status)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(status):
    return {"status": status, "icon": status_icon(status), "label": wording.status_label(status)}


@register.inclusion_tag("includes/progress_bar.html")
def progress_bar(evaluation, row=None):
    """The bar of one target, or the words saying why it has none (no data, not measurable). Given
    the target's `row` (`goals.public.TargetStatus`), a target with figures but no baseline says
    what is known instead: its first and last figure of the term."""
    progress, expected = evaluation.progress, evaluation.expected
    note = ""
    if progress is None:
        note = wording.progress_note(evaluation)
        if row is not None and evaluation.latest_value is not None:
            note = wording.unmeasured_note(row.target, evaluation, row.first_term_point)
    return {
        "progress": None if progress is None else round(progress),
        "expected": None if expected is None or evaluation.final else round(expected),
        "note": note,
    }


@register.inclusion_tag("includes/rollup_progress.html")
def rollup_progress(rollup, bar=False):
    """The mean progress of a group of targets, saying how many it covers."""
    return {
        "rollup": rollup,
        "bar": bar,
        "progress": None if rollup.mean_progress is None else round(rollup.mean_progress),
    }


@register.filter
def segments(rollup):
    """The statuses a group of targets has, each with its stretch of one bar (zeros left out)."""
    return public.status_segments(rollup)
