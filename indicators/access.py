"""Who may do what: the one module the admin, the API, the imports, the dashboard and the state
machine on Reading ask. Roles and the entity a person works for are the bottom layer's
(`core.roles`, named here too); what a role may do with an indicator's readings goes by office,
which this app owns. Which records a person reaches at all comes first from `core.scoping`."""

from core.roles import (  # noqa: F401 (the door answers for the roles too)
    ENTITY_ROLES,
    ROLE_ADMINISTRADOR,
    ROLE_AUDITOR,
    ROLE_DESCRIPTIONS,
    ROLE_REGISTRADOR,
    ROLE_REVISOR,
    audits_entity,
    entity_id,
    entity_scope,
    has_role,
    is_entity_admin,
    sees_everything,
)


def office_ids(user) -> set[int]:
    """The offices where `user` works as registrador or revisor: none without either role, so a
    person removed from every role reaches no office's drafts, whatever offices still list them."""
    if not user or not user.is_authenticated:
        return set()
    if not (has_role(user, ROLE_REGISTRADOR) or has_role(user, ROLE_REVISOR)):
        return set()
    cache = getattr(user, "_office_ids", None)
    if cache is None:
        cache = set(user.offices.values_list("id", flat=True))
        user._office_ids = cache
    return cache


def _works_on(user, indicator, role) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # The office decides; it belongs to one entity, and a person reaches only their own entity's
    # records at all (core.scoping), so no office of another entity is ever in reach.
    return has_role(user, role) and indicator.office_id in office_ids(user)


def can_enter_for(user, indicator) -> bool:
    """A registrador of the indicator's office, or a superuser."""
    return _works_on(user, indicator, ROLE_REGISTRADOR)


def can_review_for(user, indicator) -> bool:
    """A revisor of the indicator's office, or a superuser."""
    return _works_on(user, indicator, ROLE_REVISOR)


def people_entity(user):
    """Whose staff's names `user` may read on readings (who entered and reviewed them): None for
    everyone's (superusers, national auditors), an entity's id for its own staff and auditors,
    False for nobody's (the public, and staff of no entity)."""
    if not user or not user.is_authenticated:
        return False
    if sees_everything(user):
        return None
    own = entity_id(user)
    return own if own is not None and (user.is_staff or audits_entity(user) is not None) else False


def may_see_people(user, entity: int) -> bool:
    """Whether `user` may read who entered and reviewed a reading of `entity`."""
    allowed = people_entity(user)
    return allowed is None or (allowed is not False and allowed == entity)
