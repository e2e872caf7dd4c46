from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Plan y metas")

    def ready(self):
        from indicators import locks, terms

        from .closing import closed_terms, same_plan_indicators, term_starts

        locks.register(closed_terms)
        terms.register(term_starts)
        terms.register_same_plan(same_plan_indicators)
