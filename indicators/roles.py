"""The three staff roles and who may do what. The state machine on Reading asks these."""

from django.utils.translation import gettext_lazy as _

ROLE_REGISTRADOR = "registrador"
ROLE_REVISOR = "revisor"
ROLE_AUDITOR = "auditor"

ROLE_DESCRIPTIONS = {
    ROLE_REGISTRADOR: _(
        "Registra y corrige las lecturas de los indicadores de sus oficinas mientras están en borrador o "
        "rechazadas, y las envía a revisión."
    ),
    ROLE_REVISOR: _(
        "Aprueba o rechaza (con motivo) las lecturas enviadas de sus oficinas; nunca revisa una lectura que "
        "registró o modificó."
    ),
    ROLE_AUDITOR: _("Ve todo en la administración, borradores, rechazos e historial incluidos, sin cambiar nada."),
}


def has_role(user, role: str) -> bool:
    if not user or not user.is_authenticated:
        return False
    cache = getattr(user, "_role_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_names = cache
    return role in cache


def office_ids(user) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    cache = getattr(user, "_office_ids", None)
    if cache is None:
        cache = set(user.offices.values_list("id", flat=True))
        user._office_ids = cache
    return cache


def sees_everything(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or has_role(user, ROLE_AUDITOR)))


def can_enter_for(user, indicator) -> bool:
    """A registrador of the indicator's office, or a superuser."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or (has_role(user, ROLE_REGISTRADOR) and indicator.office_id in office_ids(user))


def can_review_for(user, indicator) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or (has_role(user, ROLE_REVISOR) and indicator.office_id in office_ids(user))
