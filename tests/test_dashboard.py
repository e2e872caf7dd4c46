import pytest
from django.urls import reverse

from indicators.models import Reading
from tests.factories import load_demo, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(plan):
    load_demo()


def test_the_registrador_home_lists_due_and_overdue_readings(client, demo):
    client.force_login(Reading.objects.demo().first().entered_by)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lecturas por registrar" in page
    assert "Atrasada" in page  # the demo stops in 2022-2023, today is later
    assert "Lecturas por revisar" not in page


def test_the_reviewer_sees_the_queue_oldest_first_with_outlier_flags(client, demo):
    from django.contrib.auth import get_user_model

    revisor = get_user_model().objects.get(username="demo-revisor")
    client.force_login(revisor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lecturas por revisar" in page
    first, second = (r.pk for r in Reading.objects.filter(status="submitted").order_by("submitted_at", "pk"))
    assert page.index(f"/reading/{first}/") < page.index(f"/reading/{second}/")


def test_an_auditor_home_has_no_work_lists(client, plan):
    client.force_login(make_user("ana", "auditor"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lecturas por revisar" not in page and "Lecturas por registrar" not in page
