from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = "Plan y metas"

    def ready(self):
        from indicators import locks

        from .closing import closed_terms

        locks.register(closed_terms)
