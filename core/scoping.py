"""Each entity's staff work inside their own entity's records, by construction.

Records staff edit belong to an entity (an office, an indicator, a plan and everything in it).
Their models use `EntityScopedManager` (django-scopes, the library pretix uses for its
organisers): inside `scope(entity=<id>)` every query of them is filtered to that entity, and
outside any scope a query raises `ScopeError`, so a code path that forgot the entity fails loudly
in tests instead of reaching another entity's records. `EntityOwned.save()` refuses to write a
record of another entity inside a scope, so a form that names a foreign key of another entity, or
a file that names another entity's codes, changes nothing of it.

Who gets which scope (`scope_for(user)`): a member of an entity, that entity; a superuser or a
national auditor (the auditor role without an entity), every entity (`None`); anybody else, none.
The admin (`EntityScopeMiddleware`) and the API's writes (`EntityScopedAPIMixin`) run in the
person's scope; public pages read approved data of every entity with scopes disabled; commands
run unscoped (`manage.py`), and the plan file writes inside its plan's entity."""

from contextlib import contextmanager

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FilterSetMetaclass
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled
from django_scopes.exceptions import ScopeError

__all__ = [
    "EntityOwned",
    "EntityScopedManager",
    "ScopeError",
    "active_entity",
    "scope",
    "scope_for",
    "scopes_disabled",
]

FOREIGN_RECORD = _("Este registro es de otra entidad: no puede cambiarlo.")


def EntityScopedManager(path: str, manager_class=models.Manager):  # noqa: N802 (a class factory, like django-scopes')
    """The manager of a model whose records belong to the entity at `path` ("entity", "plan__entity")."""
    return ScopedManager(_manager_class=manager_class, entity=path)


def active_entity():
    """The entity the current scope allows: an entity id, None for every entity (unscoped or a
    superuser's scope), or [] for none."""
    state = get_scope()
    if not state.get("_enabled", True):
        return None
    if "entity" not in state:
        raise ScopeError("A scope on dimension(s) entity needs to be active for this query.")
    return state["entity"]


@contextmanager
def scope_for(user):
    """The scope of what `user` may reach (`access.entity_scope`)."""
    from .roles import entity_scope

    with scope(entity=entity_scope(user)):
        yield


def entity_filter(path: str, entity) -> Q:
    """The filter of a scope's `entity` on the records at `path`."""
    if entity is None:
        return Q()
    if isinstance(entity, list | tuple):
        return Q(**{f"{path}__in": entity})
    return Q(**{path: entity})


class EntityOwned(models.Model):
    """A record that belongs to one entity, found at `entity_path` ("entity", "plan__entity").
    Saving or deleting it inside a scope that does not include its entity is refused."""

    entity_path = "entity"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.require_in_scope()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.require_in_scope()
        return super().delete(*args, **kwargs)

    def owner_entity_id(self):
        """The id of the entity this record belongs to, following `entity_path` through the
        records it points at (read unscoped: the base manager)."""
        obj = self
        *steps, last = self.entity_path.split("__")
        for name in steps:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id", None)

    def require_in_scope(self):
        allowed = active_entity_or_none()
        if allowed is None:
            return
        owner = self.owner_entity_id()
        inside = owner in allowed if isinstance(allowed, list | tuple) else owner == allowed
        if not inside:
            raise PermissionDenied(FOREIGN_RECORD)


def active_entity_or_none():
    """`active_entity()`, but None (no restriction) where no scope was ever entered: the rule on
    writes is enforced where a scope is; a forgotten scope already fails on the queries."""
    try:
        return active_entity()
    except ScopeError:
        return None


def refuse_foreign_m2m(sender, instance, action, **kwargs):
    """The many-to-many side of `EntityOwned.save`: staff of one entity never add or remove
    people or records on another entity's record."""
    if action in {"pre_add", "pre_remove", "pre_clear"} and isinstance(instance, EntityOwned):
        instance.require_in_scope()


m2m_changed.connect(refuse_foreign_m2m, dispatch_uid="core-refuse-foreign-m2m")


# --- where each request gets its scope ---------------------------------------------------------


def is_admin_path(path: str) -> bool:
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        path = path[len(language) + 1 :]
    return path.startswith("/admin/")


class EntityScopeMiddleware:
    """The admin runs in the person's scope (their entity's records only); every other page
    reads with scopes disabled: public pages show every entity's public data, and the API's writes
    enter the person's scope themselves (`EntityScopedAPIMixin`), once DRF has authenticated them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_admin_path(request.path_info) and request.user.is_authenticated:
            with scope_for(request.user):
                return self.get_response(request)
        with scopes_disabled():
            return self.get_response(request)


class EntityScopedAPIMixin:
    """An API view whose writes run in the caller's scope: a token of one entity's staff never
    reaches another entity's records. Reads stay unscoped: public data is everybody's, and what
    a person sees beyond it is decided by the views' visibility rules."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            self._entity_scope = scope_for(request.user)
            self._entity_scope.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        entered = getattr(self, "_entity_scope", None)
        if entered is not None:
            self._entity_scope = None
            entered.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)


class _DeclaredUnscoped(FilterSetMetaclass):
    def __new__(mcs, name, bases, attrs):
        with scopes_disabled():
            return super().__new__(mcs, name, bases, attrs)


class FilterSet(django_filters.FilterSet, metaclass=_DeclaredUnscoped):
    """django-filter's FilterSet, declared outside any scope: declaring one builds a query of its
    model to resolve its fields (never evaluated), which a scoped manager refuses outside a scope."""


UBIGEO_MESSAGE = _("Escriba el ubigeo de la entidad: 2, 4 o 6 dígitos.")


class UbigeoFilter(django_filters.CharFilter):
    """`?entity=<ubigeo>` on an API list: the records of that entity; a text that is no ubigeo is a
    400 in Spanish (an unknown ubigeo simply matches nothing)."""

    def __init__(self, *args, **kwargs):
        validator = RegexValidator(r"^(\d{2}|\d{4}|\d{6})$", UBIGEO_MESSAGE)
        super().__init__(*args, validators=[validator], **kwargs)
