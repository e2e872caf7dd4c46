"""Who may do what: the one door the admin, the API, the imports, the dashboard and the state
machine on Reading ask. Roles and the entity a person works for are the bottom layer's
(`core.roles`, named here too); what a role may do with an indicator's readings goes by office,
which this app owns. Which records a person reaches at all comes first from `core.scoping`.

The rule, once: a registrador enters and a revisor reviews the readings of the offices they work
in, while they hold the role (a superuser does both everywhere); the readings a person sees are
the public ones, plus every state of those of the offices where they hold either role (of their
entity, for its auditor; of everybody, for superusers and national auditors). Office membership
alone gives nothing: a person removed from every role reaches no office's drafts.

- `acts_as(user, role)`: holds the role at all (superusers act as every role).
- `may_enter(user, indicator_or_office)`, `may_review(user, indicator_or_office)`: for one office.
- `sees_drafts(user, indicator)`, `may_see(user, reading)`: what one reading shows to one person.
- `visibility(user)`: the same as a filter of readings (or their history).
- `scope(user, queryset, role=None)`: the part of a queryset of readings, their history,
  indicators or offices that `user` reaches (sees, or works on as `role`).
- `ReadingPermission`: the API's door on readings; the admin's hooks call the functions above."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

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

# The roles that work on an office's readings.
WORKING_ROLES = (ROLE_REGISTRADOR, ROLE_REVISOR)
NO_WORKING_ROLE = _("Su cuenta no tiene el rol de registrador ni el de revisor: no puede cambiar lecturas.")


def acts_as(user, role: str) -> bool:
    """Whether `user` (active) holds `role` anywhere; a superuser acts as every role."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or has_role(user, role)


def office_ids(user, role: str | None = None) -> set[int]:
    """The offices where `user` works as `role` (either working role when None): none without the
    role, so a person removed from every role reaches no office's drafts, whatever offices still
    list them. (Superusers work everywhere without being listed: ask `scope` or `may_*`.)"""
    if not user or not user.is_authenticated:
        return set()
    if not any(has_role(user, name) for name in ((role,) if role else WORKING_ROLES)):
        return set()
    cache = getattr(user, "_office_ids", None)
    if cache is None:
        cache = frozenset(user.offices.values_list("id", flat=True))
        user._office_ids = cache
    return set(cache)


def _office_id(thing) -> int | None:
    """The office of an office, of an indicator, or of a reading."""
    from .models import Office

    if isinstance(thing, Office):
        return thing.pk
    if hasattr(thing, "office_id"):
        return thing.office_id
    return thing.indicator.office_id


def _works_on(user, thing, role) -> bool:
    if not acts_as(user, role):
        return False
    # The office decides; it belongs to one entity, and a person reaches only their own entity's
    # records at all (core.scoping), so no office of another entity is ever in reach.
    return user.is_superuser or _office_id(thing) in office_ids(user, role)


def may_enter(user, indicator_or_office) -> bool:
    """A registrador of the office (of the indicator), or a superuser."""
    return _works_on(user, indicator_or_office, ROLE_REGISTRADOR)


def may_review(user, indicator_or_office) -> bool:
    """A revisor of the office (of the indicator), or a superuser."""
    return _works_on(user, indicator_or_office, ROLE_REVISOR)


def sees_drafts(user, indicator) -> bool:
    """Whether `user` sees `indicator`'s readings in every state (drafts, submissions,
    rejections, and the versions of their history that were never public)."""
    if sees_everything(user):
        return True
    audited = audits_entity(user)
    if audited is not None and audited == indicator.entity_id:
        return True
    return indicator.office_id in office_ids(user)


def may_see(user, reading) -> bool:
    """Whether `user` sees `reading` (or a version of it): a public one everybody, the others as
    `sees_drafts` says. The same rule as `visibility`, for one reading."""
    from .models import PUBLIC_STATES

    return reading.status in PUBLIC_STATES or sees_drafts(user, reading.indicator)


def visibility(user) -> Q:
    """`may_see` as a filter of readings or their history: everything for national auditors and
    superusers; their entity's readings in any state for an entity's auditor; their offices'
    readings in any state for registradores and revisores (while they hold the role); and every
    public one (approved, or cited from the plan) for everybody."""
    from .models import PUBLIC_STATES

    if sees_everything(user):
        return Q()
    visible = Q(status__in=PUBLIC_STATES)
    audited = audits_entity(user)
    if audited is not None:
        visible |= Q(indicator__entity_id=audited)
    offices = office_ids(user)
    if offices:
        visible |= Q(indicator__office_id__in=offices)
    return visible


def _office_path(model) -> str:
    from .models import Office

    if issubclass(model, Office):
        return "pk"
    names = {field.name for field in model._meta.get_fields()}
    if "office" in names:
        return "office_id"
    if "indicator" in names:
        return "indicator__office_id"
    raise TypeError(model.__name__ + " belongs to no office (a programming error, not a message for people).")


def _is_reading(model) -> bool:
    from .models import Reading

    return issubclass(model, Reading) or model is Reading.history.model


def scope(user, queryset, role: str | None = None):
    """The part of `queryset` (readings, their history, indicators or offices) `user` reaches.
    With `role` (registrador or revisor): the records of the offices where they hold it, every
    one for a superuser, none without the role. Without: the readings (and versions) they may see
    (`visibility`); the indicators and offices where they work in either role."""
    model = queryset.model
    if role is None and _is_reading(model):
        return queryset.filter(visibility(user))
    roles = (role,) if role else WORKING_ROLES
    if not any(acts_as(user, name) for name in roles):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{_office_path(model)}__in": office_ids(user, role)})


class ReadingPermission(BasePermission):
    """The API's door on readings: anybody reads what `may_see` allows (the list is already
    `scope`d); only people who hold a working role change anything, and each step is then the
    state machine's to allow, office by office (`may_enter`, `may_review`), with its own message."""

    message = NO_WORKING_ROLE

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return any(acts_as(request.user, role) for role in WORKING_ROLES)

    def has_object_permission(self, request, view, obj):
        return may_see(request.user, obj)


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
