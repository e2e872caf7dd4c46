"""Twelve token creations at the same moment, on PostgreSQL with real connections, never leave
more live tokens than the limit: the count and the insert happen under the user's row lock."""

import pytest
from django import forms
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from ilo_plan.tokens import MAX_LIVE_TOKENS, create_token
from tests.factories import make_token
from tests.indicators.test_races import race
from tests.test_tokens import NEW_TOKEN

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Carreras con conexiones reales: solo en PostgreSQL (SQLite serializa toda escritura).",
    ),
]


def creation(channel, user):
    """`user` creating a token through the function, or through their token page (whose form
    counts first, as an attacker's twelve simultaneous posts would find it)."""
    if channel == "pagina":
        client = Client(raise_request_exception=False)
        client.force_login(user)

        def post(_):
            response = client.post("/admin/tokens/", {"days": 30})
            page = response.content.decode()
            return "ok" if NEW_TOKEN.search(page) else "refused" if "revoque los que no use" in page else page

        return (lambda: None), post

    def act(_):
        try:
            create_token(user, 30)
        except forms.ValidationError as refused:
            assert "revoque los que no use" in refused.messages[0]
            return "refused"
        return "ok"

    return (lambda: None), act


@pytest.mark.parametrize("existing", [0, MAX_LIVE_TOKENS - 1])
@pytest.mark.parametrize("channel", ["funcion", "pagina"])
def test_concurrent_creations_stop_at_the_limit(registrador, channel, existing):
    for _ in range(existing):
        make_token(registrador)
    outcomes = race(*[creation(channel, registrador) for _ in range(12)])
    allowed = min(12, MAX_LIVE_TOKENS - existing)
    assert outcomes == ["ok"] * allowed + ["refused"] * (12 - allowed)
    assert AuthToken.objects.filter(user=registrador).count() == MAX_LIVE_TOKENS
