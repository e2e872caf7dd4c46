from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IloPlanConfig(AppConfig):
    name = "ilo_plan"
    verbose_name = _("Sitio")

    def ready(self):
        from . import signals, tasks  # noqa: F401 (tasks: what a committed change queues)

        signals.connect()
