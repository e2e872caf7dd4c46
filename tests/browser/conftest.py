import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from ilo_plan import plan_file
from tests.factories import load_demo
from tests.plan_workbooks import second_plan

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` selects
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.slow)  # a real browser: seconds per test (`make test-fast` skips them)
    if os.environ.get("SKIP_BROWSER_TESTS") == "1":
        # CI runs the browser once, in the PostgreSQL pass (the production database); see .ci/run.
        reason = "SKIP_BROWSER_TESTS=1: las pruebas de navegador corren en la otra pasada."
    elif Path(CHROMIUM).exists():
        return
    elif os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
        raise pytest.UsageError("Chromium no está instalado (/usr/bin/chromium) y BROWSER_TESTS_REQUIRED=1.")
    else:
        reason = "Chromium no está instalado: pruebas de navegador omitidas (apt-get install chromium)."
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    # The test database is created before Playwright starts its event loop. The sync API's
    # loop makes Django refuse database calls, which are safe here: allow them while the browser
    # lives (browser tests run last, so no other test, nor its subprocesses, inherits this).
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with the whole seed plan and the demo loaded, and a second plan."""
    call_command("load_plan", stdout=io.StringIO())
    load_demo()
    assert plan_file.import_plan(second_plan()).ok
    return live_server.url
