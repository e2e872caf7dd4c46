import pytest
from django.contrib import admin
from django.urls import reverse

from indicators.models import Reading
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PLAN_APPS = {"goals", "indicators", "alignment"}
MODELS = [model for model in admin.site._registry if model._meta.app_label in PLAN_APPS]


@pytest.fixture
def superuser_client(client, plan):
    client.force_login(make_user("jefa", is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_plan_model_has_changelist_add_and_change_pages(superuser_client, model):
    opts = model._meta
    assert superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code in (200, 403)
    obj = model.objects.first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert superuser_client.get(change).status_code == 200
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert superuser_client.get(history).status_code == 200


def test_the_admin_speaks_spanish(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Administración" in page
    assert "Lecturas" in page and "Metas" in page


def test_readings_search_and_filter(superuser_client):
    url = reverse("admin:indicators_reading_changelist")
    page = superuser_client.get(url, {"q": "TBC-TASA"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == Reading.objects.filter(indicator__code="TBC-TASA").count() == 2
