"""History pages are read-only and office-scoped; nothing is deleted through the admin, inlines included."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from core.admin_base import HISTORY_IS_READ_ONLY, RecordAdmin
from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Reading, Unit
from tests.factories import make_office, make_user

pytestmark = pytest.mark.django_db

PLAN_APPS = {"goals", "indicators", "alignment"}
ADMINS = [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label in PLAN_APPS]


def draft(indicator, user, month, value="12"):
    return Reading.objects.create_draft(
        user=user, indicator=indicator, period=date(2021, month, 1), value=Decimal(value), source="EPS"
    )


def history_url(obj, version=None):
    opts = obj._meta
    if version is None:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])


@pytest.fixture
def cast(office, registrador, revisor):
    other = make_office("OTRA")
    return {
        "registrador": registrador,
        "revisor": revisor,
        "registrador-otra-oficina": make_user("olga", ROLE_REGISTRADOR, [other]),
        "revisor-otra-oficina": make_user("omar", ROLE_REVISOR, [other]),
        "auditor": make_user("ana", ROLE_AUDITOR),
        "superusuario": make_user("jefa", is_superuser=True),
    }


@pytest.fixture
def readings(indicator, registrador, revisor):
    """A draft (private to its office) and an approved reading (public), both through the workflow."""
    private = draft(indicator, registrador, 1, value="12.34")
    public = draft(indicator, registrador, 2, value="56.78")
    public.submit(registrador)
    public.approve(revisor)
    return private, public


@pytest.mark.parametrize(
    "person",
    ["registrador", "revisor", "registrador-otra-oficina", "revisor-otra-oficina", "auditor", "superusuario"],
)
def test_history_pages_show_another_office_only_its_public_versions_and_never_save(client, cast, readings, person):
    private, public = readings
    own = "otra-oficina" not in person
    client.force_login(cast[person])
    first_of_public = public.history.order_by("history_id").first()  # the draft it was
    approved_version = public.history.get(status="approved")
    expected = {
        history_url(private): 200 if own else 404,
        history_url(private, private.history.get()): 200 if own else 404,
        history_url(public): 200,
        history_url(public, first_of_public): 200 if own else 404,
        history_url(public, approved_version): 200,
    }
    assert {url: client.get(url).status_code for url in expected} == expected

    listed = client.get(history_url(public)).context["page_obj"].object_list
    assert {record.status for record in listed} == ({"draft", "submitted", "approved"} if own else {"approved"})
    assert (b"12.34" in client.get(reverse("admin:indicators_reading_changelist")).content) is own

    versions_before = Reading.history.count()
    revert = {"period": "2021-01-01", "value": "99", "source": "revertida", "note": ""}
    version_pages = [url for url in expected if not url.endswith("/history/")]
    posted = {url: client.post(url, revert).status_code for url in version_pages}
    assert posted == {url: 403 if expected[url] == 200 else 404 for url in version_pages}
    assert Reading.history.count() == versions_before
    assert [Reading.objects.get(pk=r.pk).value for r in readings] == [Decimal("12.34"), Decimal("56.78")]


def test_a_revert_post_is_refused_with_a_spanish_message_and_changes_nothing(client, readings):
    _, public = readings
    client.force_login(make_user("jefa", is_superuser=True))
    first = public.history.order_by("history_id").first()
    response = client.post(
        history_url(public, first), {"period": "2021-02-01", "value": "99", "source": "revertida", "note": ""}
    )
    assert response.status_code == 403
    assert HISTORY_IS_READ_ONLY in [str(m) for m in get_messages(response.wsgi_request)]
    public.refresh_from_db()
    assert (public.status, public.value, public.history.count()) == ("approved", Decimal("56.78"), 3)


def test_other_offices_do_not_reach_a_private_reading_by_any_admin_page(client, cast, readings, indicator):
    private, _ = readings
    client.force_login(cast["registrador-otra-oficina"])
    change = client.get(reverse("admin:indicators_reading_change", args=[private.pk]))
    assert change.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(reverse("admin:indicators_reading_correct", args=[private.pk])).status_code == 404
    for step in ("enviar", "aprobar", "rechazar", "retirar"):
        url = reverse("admin:indicators_reading_step", args=[private.pk, step])
        assert client.get(url).status_code == 404 and client.post(url, {"reason": "x"}).status_code == 404
    inline = client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk]))
    assert inline.status_code == 200
    assert b"12.34" not in inline.content and b"56.78" in inline.content


@pytest.mark.parametrize(
    "path",
    [
        "abc/history/1/",
        "{pk}/history/abc/",
        "{pk}/history/999999/",
        "abc/history/",
        f"{10**30}/history/",
        f"{{pk}}/history/{10**30}/",
    ],
)
def test_bad_history_addresses_are_404_not_500(client, readings, path):
    client.force_login(make_user("jefa", is_superuser=True))
    client.raise_request_exception = False
    url = reverse("admin:indicators_reading_changelist") + path.format(pk=readings[0].pk)
    assert client.get(url).status_code == 404


def test_every_admin_under_review_shares_the_read_only_no_delete_base():
    request = RequestFactory().get("/")
    request.user = make_user("jefa", is_superuser=True)
    for model_admin in ADMINS:
        assert isinstance(model_admin, RecordAdmin), model_admin
        assert not model_admin.has_delete_permission(request)
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request), inline
            assert not inline.get_formset(request).can_delete, inline


def test_narrowing_a_unit_below_its_readings_is_a_spanish_form_error(client, readings, indicator):
    client.force_login(make_user("jefa", is_superuser=True))
    unit = indicator.unit
    url = reverse("admin:indicators_unit_change", args=[unit.pk])
    fields = {"code": unit.code, "name": unit.name, "symbol": unit.symbol, "min_value": "0", "decimals": "2"}
    response = client.post(url, {**fields, "max_value": "50"})
    [error] = response.context["adminform"].form.errors["max_value"]
    assert error == (
        "El máximo nuevo deja fuera 1 lectura(s) ya registrada(s), por ejemplo AGUA-HORAS 02/2021: 56.78. "
        "Corrija o retire esas lecturas primero."
    )
    assert Unit.objects.get(pk=unit.pk).max_value == Decimal(100)
    client.post(url, {**fields, "max_value": "60"})
    assert Unit.objects.get(pk=unit.pk).max_value == Decimal(60)
