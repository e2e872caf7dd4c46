from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def matrix_address(plan) -> str | None:
    """The plan's alignment matrix, when the plan records its alignment."""
    from .queries import has_alignment

    return reverse("alignment:matrix", args=[plan.slug]) if has_alignment(plan) else None


def axis_panel(axis, plan) -> dict | None:
    """An axis page's alignment: the annex rows that come down to the axis, their objectives
    grouped by level (templates/alignment/axis_panel.html), when the plan records its alignment."""
    from .queries import has_alignment, rows_of_axis

    return {"plan": plan, "rows": rows_of_axis(axis)} if has_alignment(plan) else None


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = _("Articulación")

    def ready(self):
        from core import slots

        # What the plan's pages (goals, which knows nothing of the alignment) show of it.
        slots.provide_link("plan-alignment", matrix_address)
        slots.provide_panel("goals.axis", "alignment/axis_panel.html", axis_panel)
        from goals.models import provide_site_flag

        from .queries import alignment_of

        provide_site_flag("has_alignment", alignment_of)
