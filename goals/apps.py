from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def indicator_address(indicator) -> str:
    """An indicator's page, at the featured plan's address (the corrections page links to it)."""
    return reverse("goals:indicator-detail", args=[indicator.code])


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Plan y metas")

    def ready(self):
        from core import slots
        from indicators import locks, terms

        from .closing import closed_terms, same_plan_indicators, term_starts

        locks.register(closed_terms)
        terms.register(term_starts)
        terms.register_same_plan(same_plan_indicators)
        slots.provide_link("indicator", indicator_address)
