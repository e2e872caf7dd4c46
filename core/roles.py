"""Who is who: the staff roles and the entity each person works for.

A person works for one entity (`core.Membership`; superusers and national auditors stand above
the entities) and holds roles there (Django groups). Registradores and revisores act on the
indicators of their offices; an entity's administrador manages its staff, offices, indicators,
units and plans; an auditor sees everything of their entity (every entity without one), changing
nothing. Which records a person reaches at all comes from `core.scoping`; what they may do with
an indicator's readings, office by office, from `indicators.access`, the one door the apps above
ask (it answers for these too)."""

from django.utils.translation import gettext_lazy as _

ROLE_REGISTRADOR = "registrador"
ROLE_REVISOR = "revisor"
ROLE_AUDITOR = "auditor"
ROLE_ADMINISTRADOR = "administrador"

# The roles an entity's administrador gives to its own staff (the auditor role is given by a superuser).
ENTITY_ROLES = (ROLE_REGISTRADOR, ROLE_REVISOR, ROLE_ADMINISTRADOR)

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
    ROLE_ADMINISTRADOR: _(
        "Administra su entidad: su personal (con sus oficinas y roles), sus oficinas, indicadores y unidades "
        "propias, y carga y edita sus planes."
    ),
}


def has_role(user, role: str) -> bool:
    if not user or not user.is_authenticated:
        return False
    cache = getattr(user, "_role_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_names = cache
    return role in cache


def entity_id(user) -> int | None:
    """The entity `user` works for (their `Membership`); None for superusers, national auditors
    and people of none. Remembered on the user object."""
    if not user or not user.is_authenticated or user.is_superuser:
        return None
    if not hasattr(user, "_entity_id"):
        from .models import Membership

        # The base manager: the person's own membership is what decides their scope.
        user._entity_id = Membership._base_manager.filter(user=user).values_list("entity_id", flat=True).first()
    return user._entity_id


def entity_scope(user):
    """What `user` may reach (`core.scoping`): their entity's id, None for every entity
    (superusers, national auditors), [] for none."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    own = entity_id(user)
    if own is not None:
        return own
    return None if has_role(user, ROLE_AUDITOR) else []


def sees_everything(user) -> bool:
    """Superusers and national auditors (the auditor role without an entity)."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or (has_role(user, ROLE_AUDITOR) and entity_id(user) is None)


def audits_entity(user) -> int | None:
    """The entity whose every record `user` audits (an auditor of one entity); None otherwise."""
    if not user or not user.is_authenticated or not has_role(user, ROLE_AUDITOR):
        return None
    return entity_id(user)


def is_entity_admin(user) -> bool:
    """An administrador of an entity (superusers administer every entity)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (has_role(user, ROLE_ADMINISTRADOR) and entity_id(user) is not None)
