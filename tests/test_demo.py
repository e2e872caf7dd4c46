import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from goals.models import Milestone
from indicators.models import Reading

pytestmark = pytest.mark.django_db


def run(command):
    out = io.StringIO()
    with override_settings(DEBUG=True):  # load_demo refuses to run in production
        call_command(command, stdout=out)
    return out.getvalue()


def test_it_refuses_to_run_before_the_plan_is_loaded():
    with pytest.raises(CommandError, match="load_plan"):
        run("load_demo")


def test_demo_readings_and_accounts_are_marked_and_passwords_printed_once(plan):
    real_before = Reading.objects.real().count()
    output = run("load_demo")

    assert Reading.objects.demo().count() > 50
    assert Reading.objects.real().count() == real_before
    assert Milestone.objects.filter(is_demo=True).exists()
    users = get_user_model().objects.filter(username__startswith="demo-")
    assert {u.username: sorted(u.groups.values_list("name", flat=True)) for u in users} == {
        "demo-registrador": ["registrador"],
        "demo-revisor": ["revisor"],
        "demo-administrador": ["administrador"],
        "demo-auditor": ["auditor"],
        "demo-admin": [],
    }
    assert users.get(username="demo-admin").is_superuser
    # The entity's staff work for the featured plan's entity; the auditor and the superuser stand above.
    staff = {u.username: u.membership.entity.ubigeo for u in users if hasattr(u, "membership")}
    assert staff == dict.fromkeys(["demo-registrador", "demo-revisor", "demo-administrador"], "1803")
    assert output.count("contraseña:") == 5

    again = run("load_demo")
    assert "contraseña:" not in again and "ya están cargados" in again


def test_a_second_load_adds_nothing(plan):
    run("load_demo")
    counts = Reading.objects.count(), Milestone.objects.count(), get_user_model().objects.count()
    run("load_demo")
    assert (Reading.objects.count(), Milestone.objects.count(), get_user_model().objects.count()) == counts


def test_clear_demo_removes_exactly_the_demo(plan, client):
    real = sorted(Reading.objects.values_list("uid", flat=True))
    run("load_demo")
    assert "Datos de demostración" in client.get("/").content.decode()

    run("clear_demo")

    assert sorted(Reading.objects.values_list("uid", flat=True)) == real
    assert not Milestone.objects.filter(is_demo=True).exists()
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()
    assert not Reading.history.filter(is_demo=True).exists()
    assert "Datos de demostración" not in client.get("/").content.decode()


def test_it_refuses_to_run_with_debug_off(plan, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG apagado"):
        call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()
    assert not Reading.objects.demo().exists()
