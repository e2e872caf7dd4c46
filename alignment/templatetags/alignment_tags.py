"""What a plan page of a lower app shows of the alignment: goals knows nothing of it, so its
templates ask here."""

from django import template

from .. import queries
from ..models import AlignmentRow

register = template.Library()


@register.simple_tag
def plan_has_alignment(plan) -> bool:
    """Whether the plan records its alignment (the link to the matrix shows only then); asked
    once per page, whatever the template asks again."""
    if not hasattr(plan, "_has_alignment"):
        plan._has_alignment = AlignmentRow.objects.filter(plan=plan).exists()
    return plan._has_alignment


@register.simple_tag
def axis_alignment(axis) -> list:
    """The annex rows that come down to `axis`, their objectives grouped by level."""
    return queries.rows_of_axis(axis)
