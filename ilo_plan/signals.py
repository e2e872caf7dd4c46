"""Every change of a plan or indicator record bumps the data version, so cached pages and API
ETags change the moment a reading is approved, corrected or withdrawn, or the plan is edited."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from indicators.models import DataVersion

# ilo_plan: the site settings carry the open data's licence, which the prebuilt package holds.
WATCHED_APPS = ("goals", "indicators", "alignment", "ilo_plan")


def bump(sender, **kwargs):
    if kwargs.get("raw") or sender is DataVersion:
        return
    DataVersion.bump()


def connect():
    for app_label in WATCHED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model is DataVersion or model.__name__.startswith("Historical"):
                continue
            post_save.connect(bump, sender=model, dispatch_uid=f"bump-save-{model._meta.label}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"bump-delete-{model._meta.label}")
            for field in model._meta.many_to_many:
                m2m_changed.connect(bump, sender=field.remote_field.through, dispatch_uid=f"bump-m2m-{field}")
