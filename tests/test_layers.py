"""The layers hold: each app imports, migrates after and queries through reverse relations only the
apps below it (core ← indicators ← goals ← alignment ← ilo_plan); and no code or template names the
municipality of the first plan, which is data."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

ROOT = Path(settings.BASE_DIR)
LAYERS = ["core", "indicators", "goals", "alignment", "ilo_plan"]


def python_files(app, migrations=False):
    for path in sorted((ROOT / app).rglob("*.py")):
        if migrations or "migrations" not in path.parts:
            yield path


def imported_apps(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in LAYERS:
                yield name.split(".")[0]


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    reaching_up = {
        str(path.relative_to(ROOT)): sorted(set(imported_apps(path)) & above) for path in python_files(app, True)
    }
    assert {path: apps_ for path, apps_ in reaching_up.items() if apps_} == {}


@pytest.mark.parametrize("app", LAYERS)
def test_an_apps_migrations_depend_only_on_the_apps_below_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    upward = [
        (key, parent)
        for key, node in graph.nodes.items()
        if key[0] == app
        for parent in graph.node_map[key].parents
        if parent.key[0] in above
    ]
    assert upward == []


def reverse_names_into(app):
    """The names by which apps above `app` reach its models backwards (`targets`, `plan_sections`)."""
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    names = set()
    for model in apps.get_models():
        if model._meta.app_label not in above:
            continue
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if field.is_relation and field.concrete and related is not None and related._meta.app_label == app:
                names.add(field.related_query_name())
                if field.remote_field.related_name:
                    names.add(field.remote_field.related_name)
    return {name for name in names if not name.startswith("+") and not name.endswith("+")}


@pytest.mark.parametrize("app", ["core", "indicators", "goals"])
def test_a_lower_app_never_follows_a_relation_that_an_upper_app_defines(app):
    names = reverse_names_into(app)
    assert names or app == "goals"
    names = "|".join(map(re.escape, sorted(names)))
    # `targets__code`, `.targets`, `"targets"`: a lookup, an attribute or a field name.
    pattern = re.compile(rf"""\b(?:{names})__|\.(?:{names})\b|["'](?:{names})["']""")
    files = list(python_files(app)) + sorted((ROOT / "templates" / app).rglob("*.html"))
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line.split("#", 1)[0])
    ]
    assert found == []


def test_the_reverse_relation_check_knows_the_relations_it_guards():
    assert {"targets", "plan_sections"} <= reverse_names_into("indicators")
    assert "alignment_rows" in reverse_names_into("goals")


# Names of the first plan's municipality, region and source plans, which only data may hold.
MUNICIPALITY = re.compile(r"\bIlo\b|\bILO\b|Moquegua|Bicentenario|\bPDRC\b|\bPDLC\b|Restauración Nacional")


def code_and_templates():
    skipped = {"migrations", "fixtures", "tests", ".venv", "staticfiles", "vendor", "artifacts"}
    for pattern in ["**/*.py", "templates/**/*.html", "static/**/*.js", "static/**/*.css"]:
        for path in sorted(ROOT.glob(pattern)):
            if not skipped & set(path.relative_to(ROOT).parts):
                yield path


def test_no_code_or_template_names_the_municipality():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in code_and_templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MUNICIPALITY.search(line)
    ]
    assert found == []
    assert len(list(code_and_templates())) > 80  # the walk reaches the code it means to
