"""Which data versions a change bumps (`core.versions`), in the same transaction as the change.

A public change of a plan bumps that plan: its records (axes, targets, projects, alignment, ...),
and a reading that is or was public (approved, replaced by its correction, withdrawn once
approved, or cited from the plan) bumps every plan that measures or cites its indicator. Drafts,
submissions and rejections show on no public page: they bump only their office's counter, which
staff's answers follow, as they follow a change of a person's roles or entity (`versions.ACCESS`).
A change every plan shows (a unit, an entity's name, the site's settings) bumps the shared
counter. This app sees every layer, so it is the one that knows."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save

from alignment.models import AlignmentLink
from core import versions
from core.models import DataVersion, Entity, Membership
from goals.models import Milestone, Plan, PlanSection, Target
from indicators.models import Indicator, Office, Reading, Unit

from .models import SiteSettings

WATCHED_APPS = ("core", "goals", "indicators", "alignment", "ilo_plan")
NOT_PUBLIC = {DataVersion, Membership}


def plans_measuring(indicator_ids) -> set[int]:
    """The plans whose targets measure, or whose diagnosis cites, these indicators."""
    ids = list(indicator_ids)
    plans = set(Target._base_manager.filter(indicator_id__in=ids).values_list("plan_id", flat=True))
    plans |= set(
        PlanSection.indicators.through.objects.filter(indicator_id__in=ids).values_list(
            "plansection__plan_id", flat=True
        )
    )
    return plans


def scopes_of(instance) -> set[str]:
    """The scopes whose versions a change of `instance` moves."""
    if isinstance(instance, Reading):
        scopes = {versions.office_scope(instance.indicator.office_id)}
        if instance.approved_at is not None or instance.is_cited:
            plans = plans_measuring([instance.indicator_id])
            # A figure no plan shows is still public: in the API's lists and the national package.
            scopes |= {versions.plan_scope(plan) for plan in plans} or {
                versions.entity_scope(instance.indicator.entity_id)
            }
        return scopes
    if isinstance(instance, Indicator):
        plans = {versions.plan_scope(plan) for plan in plans_measuring([instance.pk])}
        return {versions.office_scope(instance.office_id)} | (plans or {versions.entity_scope(instance.entity_id)})
    if isinstance(instance, Office):
        indicators = Indicator._base_manager.filter(office=instance).values_list("pk", flat=True)
        plans = {versions.plan_scope(p) for p in plans_measuring(indicators)}
        return {versions.office_scope(instance.pk), versions.entity_scope(instance.entity_id)} | plans
    if isinstance(instance, Unit | Entity | SiteSettings):
        return {versions.SHARED}
    if isinstance(instance, Plan):
        return {versions.plan_scope(instance.pk)}
    if isinstance(instance, Milestone):
        return {versions.plan_scope(instance.project.plan_id)}
    if isinstance(instance, AlignmentLink):
        return {versions.plan_scope(instance.row.plan_id)}
    plan_id = getattr(instance, "plan_id", None)
    return {versions.plan_scope(plan_id)} if plan_id else {versions.SHARED}


def bump(sender, instance=None, **kwargs):
    if kwargs.get("raw") or sender in NOT_PUBLIC:
        return
    versions.bump(*scopes_of(instance))


def bump_m2m(sender, instance=None, action=None, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and type(instance) not in NOT_PUBLIC:
        if isinstance(instance, Office):  # its people: staff's work, never public
            versions.bump(versions.office_scope(instance.pk))
        else:
            versions.bump(*scopes_of(instance))


def bump_access(sender, instance=None, action=None, **kwargs):
    """A person's roles or entity changed: what their staff answers show changed with them (a
    person removed from a role must not keep a 304 for a list of the drafts the role showed)."""
    if kwargs.get("raw") or action not in {None, "post_add", "post_remove", "post_clear"}:
        return
    versions.bump(versions.ACCESS)


def bump_access_of_user(sender, instance=None, update_fields=None, **kwargs):
    """A person saved: being a superuser, staff or active changes what their answers show. A
    login's own save (its date alone) changes nothing they may see."""
    if kwargs.get("raw") or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    versions.bump(versions.ACCESS)


def connect():
    user_model = get_user_model()
    m2m_changed.connect(bump_access, sender=user_model.groups.through, dispatch_uid="bump-access-roles")
    post_save.connect(bump_access_of_user, sender=user_model, dispatch_uid="bump-access-user")
    # What a role (a group) or a person may do, permission by permission.
    m2m_changed.connect(bump_access, sender=Group.permissions.through, dispatch_uid="bump-access-role-permissions")
    m2m_changed.connect(
        bump_access, sender=user_model.user_permissions.through, dispatch_uid="bump-access-user-permissions"
    )
    post_save.connect(bump_access, sender=Membership, dispatch_uid="bump-access-membership-save")
    post_delete.connect(bump_access, sender=Membership, dispatch_uid="bump-access-membership-delete")
    for app_label in WATCHED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model in NOT_PUBLIC or model.__name__.startswith("Historical"):
                continue
            post_save.connect(bump, sender=model, dispatch_uid=f"bump-save-{model._meta.label}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"bump-delete-{model._meta.label}")
            for field in model._meta.many_to_many:
                m2m_changed.connect(bump_m2m, sender=field.remote_field.through, dispatch_uid=f"bump-m2m-{field}")
