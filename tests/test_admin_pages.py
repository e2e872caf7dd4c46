import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse

from goals.models import Objective, Problem, Project
from indicators.access import ROLE_REVISOR
from indicators.models import Reading
from tests.factories import load_demo, make_user

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


def history_url(obj, version=None):
    opts = obj._meta
    if version is None:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])


def form_data(obj):
    """The record's own values as its admin form would post them."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif value is not None:
            data[name] = value
    return data


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_version_page_is_readable_and_a_post_to_it_changes_nothing(superuser_client, model):
    load_demo()
    water = Reading.objects.filter(status="submitted").first()
    water.approve(make_user("raul", ROLE_REVISOR, [water.indicator.office]))
    obj = model.objects.order_by("pk").last()
    if not obj.history.exists():
        obj.save()  # a plan record loaded from fixtures gets its first version
    superuser_client.raise_request_exception = False
    before, versions = model_to_dict(model.objects.get(pk=obj.pk)), obj.history.count()
    for version in obj.history.all():
        assert superuser_client.get(history_url(obj, version)).status_code == 200
        assert superuser_client.post(history_url(obj, version), form_data(version.instance)).status_code == 403
    assert superuser_client.get(history_url(obj)).status_code == 200
    assert (model_to_dict(model.objects.get(pk=obj.pk)), obj.history.count()) == (before, versions)


def changeform_data(response):
    """What a browser posts back from an admin change page, inline formsets included."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            elif value is not None:
                data[form.add_prefix(name)] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.mark.parametrize(
    "model, related", [(Problem, "objectives"), (Objective, "targets"), (Project, "milestones")], ids=str
)
def test_an_inline_delete_is_ignored(superuser_client, model, related):
    if model is Project:
        load_demo()
    parent = model.objects.filter(**{f"{related}__isnull": False}).first()
    child = getattr(parent, related).first()
    url = reverse(f"admin:goals_{model._meta.model_name}_change", args=[parent.pk])
    page = superuser_client.get(url)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    assert f'name="{prefix}-0-DELETE"' not in page.content.decode()
    response = superuser_client.post(url, {**changeform_data(page), f"{prefix}-0-DELETE": "on"})
    assert response.status_code == 302  # saved, and the inline row kept
    assert type(child).objects.filter(pk=child.pk).exists()


def test_help_texts_are_text_not_html(superuser_client, plan):
    """The admin writes help texts as HTML: the plan's address (/planes/<identificador>/) keeps its
    placeholder, on the add and change pages alike."""
    for url in (reverse("admin:goals_plan_add"), reverse("admin:goals_plan_change", args=[plan.pk])):
        page = superuser_client.get(url).content.decode()
        assert "(/planes/&lt;identificador&gt;/)" in page and "(/planes//)" not in page
