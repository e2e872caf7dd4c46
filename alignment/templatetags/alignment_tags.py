"""What the page frame (the top app's base.html) asks of the alignment. The pages of lower apps
never load this library: they get the alignment through core.slots (alignment.apps fills them)."""

from django import template

from .. import queries

register = template.Library()


@register.simple_tag
def plan_has_alignment(plan) -> bool:
    """Whether the plan records its alignment (the link to the matrix shows only then)."""
    return queries.has_alignment(plan)
