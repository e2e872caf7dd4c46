from functools import partial

from django.apps import AppConfig, apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The site's own pages that the lower apps' pages link to (through core.slots, by these names).
SITE_PAGES = ["methodology", "open-data", "plan-file-template"]

# The admin's names of the installed apps that come without Spanish (their sidebar headings and
# models): django-axes (login attempts), django-rest-knox (API tokens), django-tasks' database
# backend. Only the names shown change: the models' options that migrations read stay theirs.
OTHER_APPS = {
    "axes": (
        _("Intentos de acceso"),
        {
            "accessattempt": (_("intento de acceso"), _("intentos de acceso")),
            "accessfailurelog": (_("acceso fallido"), _("accesos fallidos")),
            "accesslog": (_("registro de acceso"), _("registros de acceso")),
            "accessattemptexpiration": (_("vencimiento de intento de acceso"), _("vencimientos de intentos de acceso")),
        },
    ),
    "knox": (_("Tokens de la API"), {"authtoken": (_("token de la API"), _("tokens de la API"))}),
    "django_tasks_database": (
        _("Tareas en segundo plano"),
        {"dbtaskresult": (_("resultado de tarea"), _("resultados de tareas"))},
    ),
}


def name_other_apps():
    for label, (name, models) in OTHER_APPS.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        config.verbose_name = name
        for model_name, (singular, plural) in models.items():
            try:
                meta = config.get_model(model_name)._meta
            except LookupError:
                continue
            meta.verbose_name, meta.verbose_name_plural = singular, plural


class IloPlanConfig(AppConfig):
    name = "ilo_plan"
    verbose_name = _("Sitio")

    def ready(self):
        from core import slots

        from . import signals, tasks  # noqa: F401 (tasks: what a committed change queues)

        for page in SITE_PAGES:
            slots.provide_link(page, partial(reverse, page))

        signals.connect()
        name_other_apps()
