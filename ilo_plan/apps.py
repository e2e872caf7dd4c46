from django.apps import AppConfig


class IloPlanConfig(AppConfig):
    name = "ilo_plan"
    verbose_name = "Sitio"

    def ready(self):
        from . import signals

        signals.connect()
