"""Login lockout and API throttles count per real client: a username from one address, the address
read from X-Forwarded-For only behind the trusted proxies that TRUSTED_PROXY_COUNT declares."""

import ipaddress
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from django.conf import settings as django_settings
from django.test import Client, RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from ilo_plan.settings import axes_client_address
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(django_settings.BASE_DIR)
PASSWORD = "secreto-de-prueba"
PROXY = "10.0.0.2"


def behind_proxies(settings, count):
    """What TRUSTED_PROXY_COUNT=count sets, through the same function the settings module calls."""
    settings.TRUSTED_PROXY_COUNT = count
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER, settings.AXES_IPWARE_PROXY_COUNT = axes_client_address(count)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}


@pytest.fixture
def lockout(settings, db):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("jefa", is_superuser=True)
    make_user("otro", is_superuser=True)


def login(username, password=PASSWORD, **meta):
    return Client().post("/admin/login/", {"username": username, "password": password}, **meta).status_code


def fail_three_times(username, **meta):
    assert [login(username, "mal", **meta) for _ in range(3)] == [200, 200, 429]


def test_a_lockout_binds_one_username_to_one_address(lockout):
    fail_three_times("jefa", REMOTE_ADDR="203.0.113.5")
    assert login("jefa", REMOTE_ADDR="203.0.113.5") == 429  # the right password too, from there
    assert login("jefa", REMOTE_ADDR="198.51.100.7") == 302  # the same person from elsewhere
    assert login("otro", REMOTE_ADDR="203.0.113.5") == 302  # someone else from the same address


def test_a_successful_login_clears_the_count(lockout):
    assert [login("jefa", "mal", REMOTE_ADDR="203.0.113.5") for _ in range(2)] == [200, 200]
    assert login("jefa", REMOTE_ADDR="203.0.113.5") == 302
    assert [login("jefa", "mal", REMOTE_ADDR="203.0.113.5") for _ in range(2)] == [200, 200]
    assert login("jefa", REMOTE_ADDR="203.0.113.5") == 302


def test_without_proxies_a_clients_x_forwarded_for_is_ignored(lockout):
    codes = [login("jefa", "mal", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(3)]
    assert codes == [200, 200, 429]
    assert login("jefa", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.99") == 429
    # Nor can a stranger lock jefa out everywhere by writing her address in the header.
    assert login("jefa", REMOTE_ADDR="198.51.100.7") == 302


def test_behind_a_proxy_each_client_is_its_own_address(lockout, settings):
    behind_proxies(settings, 1)
    fail_three_times("jefa", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert login("jefa", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5") == 429
    # Everyone arrives from the proxy: the other clients are not locked out with the first.
    assert login("jefa", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7") == 302
    assert login("otro", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5") == 302


def test_behind_a_proxy_what_the_client_wrote_itself_is_ignored(lockout, settings):
    behind_proxies(settings, 1)
    # The client sends its own X-Forwarded-For; the proxy appends the address it really came from.
    chains = [f"192.0.2.{n}, 203.0.113.5" for n in range(3)]
    assert [login("jefa", "mal", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain) for chain in chains] == [200, 200, 429]
    assert login("jefa", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5") == 429
    assert login("jefa", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7") == 302


@pytest.fixture
def throttled(settings):
    settings.API_THROTTLE_ANON = "2/min"
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def statuses(count, **meta):
    return [APIClient().get("/api/v1/offices/", **meta).status_code for _ in range(count)]


def test_the_api_throttle_ignores_a_clients_x_forwarded_for(throttled):
    codes = [
        APIClient().get("/api/v1/offices/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert statuses(1, REMOTE_ADDR="198.51.100.7") == [200]


def test_behind_a_proxy_the_api_throttle_counts_each_client(throttled, settings):
    behind_proxies(settings, 1)
    assert statuses(3, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5") == [200, 200, 429]
    assert statuses(1, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5") == [429]
    assert statuses(1, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7") == [200]


# Addresses a proxy can append: unicast, public or private; spoofed entries to their left can be anything.
hop = st.one_of(
    st.integers(min_value=0x0B000000, max_value=0xDFFFFFFF).map(lambda n: str(ipaddress.IPv4Address(n))),
    st.integers(min_value=0x20010DB8 << 96, max_value=(0x20010DB8 << 96) + 2**64).map(
        lambda n: str(ipaddress.IPv6Address(n))
    ),
)
spoofed = st.one_of(hop, st.sampled_from(["unknown", "", "1.2.3", "::ffff:10.0.0.1", "0.0.0.0"]))


@given(
    proxies=st.integers(min_value=0, max_value=3),
    written_by_client=st.lists(spoofed, max_size=3),
    appended=st.lists(hop, min_size=3, max_size=3),
    peer=hop,
)
def test_axes_and_the_throttles_pick_the_same_client_address(proxies, written_by_client, appended, peer):
    # One setting, two readers: they must agree on every chain the declared proxies can produce.
    precedence, ipware_count = axes_client_address(proxies)
    chain = written_by_client + appended[:proxies] if proxies else written_by_client
    meta = {"REMOTE_ADDR": peer, **({"HTTP_X_FORWARDED_FOR": ", ".join(chain)} if chain else {})}
    request = RequestFactory().get("/", **meta)
    with override_settings(
        AXES_IPWARE_META_PRECEDENCE_ORDER=precedence,
        AXES_IPWARE_PROXY_COUNT=ipware_count,
        REST_FRAMEWORK={**django_settings.REST_FRAMEWORK, "NUM_PROXIES": proxies},
    ):
        by_axes = get_client_ip_address(request)
        by_throttle = api_settings.DEFAULT_THROTTLE_CLASSES[0]().get_ident(request)
    assert by_axes == by_throttle == (appended[0] if proxies else peer)


PROBE = """
import ilo_plan.urls  # as a request would, before DRF imports its settings' classes
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from rest_framework.settings import api_settings
request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5, 10.0.0.1")
throttle = api_settings.DEFAULT_THROTTLE_CLASSES[0]()
print("client", get_client_ip_address(request), throttle.get_ident(request))
"""


def run_shell(code, env):
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_one_environment_variable_sets_both_readers():
    result = run_shell(PROBE, {"TRUSTED_PROXY_COUNT": "2"})
    assert "client 203.0.113.5 203.0.113.5" in result.stdout, result.stdout + result.stderr


def redis_is_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


COUNT = """
from django.test import Client
print("codes", [Client().get("/api/v1/", REMOTE_ADDR="{ip}").status_code for _ in range(2)])
"""


@pytest.mark.slow  # Django in subprocesses
@pytest.mark.skipif(
    not redis_is_up(), reason="Redis no responde en 127.0.0.1:6379: prueba de caché compartida omitida."
)
def test_with_redis_the_throttle_counts_across_processes_and_without_it_per_process(tmp_path):
    # Two processes stand for two gunicorn workers; a fresh address keeps other runs' counts out.
    env = {"API_THROTTLE_ANON": "3/min", "PUBLIC_CACHE_SECONDS": "0", "DATABASE_URL": f"sqlite:///{tmp_path}/x"}
    shared = {**env, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    ip = str(ipaddress.IPv6Address((0x20010DB8 << 96) + uuid.uuid4().int % 2**64))
    first = run_shell(COUNT.format(ip=ip), shared)
    second = run_shell(COUNT.format(ip=ip), shared)
    assert "codes [200, 200]" in first.stdout, first.stdout + first.stderr
    assert "codes [200, 429]" in second.stdout, second.stdout + second.stderr
    alone = [run_shell(COUNT.format(ip=ip), env).stdout for _ in range(2)]
    assert all("codes [200, 200]" in out for out in alone), alone
