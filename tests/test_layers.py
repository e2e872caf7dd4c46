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


# Templates keep the layers too: a template of an app loads the tag libraries and reverses the URL
# names of the apps at or below it only. Which app a template is:
# - templates/<app>/… and templates/admin/<app>/… are that app's;
# - any other template (the page frame, templates/includes/, the admin's overrides) is the lowest
#   app that renders it: the app whose code names it, or whose template includes it; the top app's
#   if none does. The page frame (base.html) is only extended: it is the top app's.
# A lower app's page gets what is above it through core.slots (links and panels the upper app fills).
TEMPLATES = ROOT / "templates"
LOAD = re.compile(r"{%\s*load\s+(.*?)\s*%}")
URL = re.compile(r"""{%\s*url\s+(["'])(.+?)\1""")
INCLUDE = re.compile(r"""{%\s*include\s+(["'])(.+?)\1""")


def app_of_module(module) -> str | None:
    name = module if isinstance(module, str) else getattr(module, "__name__", "")
    return name.split(".")[0] if name.split(".")[0] in LAYERS else None


def highest(*names) -> str | None:
    found = [name for name in names if name]
    return max(found, key=LAYERS.index) if found else None


def tag_library_apps() -> dict[str, str | None]:
    """Each tag library's name → the app that defines it (None: Django's or a package's)."""
    from django.template import engines

    return {name: app_of_module(module) for name, module in engines["django"].engine.libraries.items()}


def code_app(callback) -> str | None:
    """The app whose code answers a URL: a ModelAdmin's, a DRF view set's, a class-based view's."""
    model_admin = getattr(callback, "model_admin", None)
    for owner in (type(model_admin) if model_admin else None, getattr(callback, "cls", None)):
        if owner is not None:
            return app_of_module(owner.__module__)
    return app_of_module(getattr(getattr(callback, "view_class", callback), "__module__", ""))


def url_name_apps() -> dict[str, str | None]:
    """Each URL name (with its namespace) → the highest app it needs: the one whose urls module
    declares it (the root URLconf is the top app's) and the one whose code answers it. None: a
    name of Django's or a package's (`admin:index`)."""
    from django.urls import URLResolver, get_resolver

    names: dict[str, str | None] = {}

    def walk(patterns, namespace, declared_by):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                module = pattern.urlconf_name
                if isinstance(module, list | tuple):  # an inline list: i18n_patterns, the admin's
                    module_app = declared_by if pattern.namespace is None else None
                else:
                    module_app = app_of_module(module)
                walk(pattern.url_patterns, inner, module_app)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                names[name] = highest(names.get(name), declared_by, code_app(pattern.callback))

    root = get_resolver()
    walk(root.url_patterns, "", app_of_module(root.urlconf_name))
    return names


def template_names() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


def template_text(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def directory_app(name: str) -> str | None:
    parts = name.split("/")
    if parts[0] == "admin" and len(parts) > 2:
        parts = parts[1:]
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else None


def lowest(*names) -> str | None:
    found = [name for name in names if name]
    return min(found, key=LAYERS.index) if found else None


def python_users(names) -> dict[str, set[str]]:
    """Template name → the apps whose code names it (a string constant)."""
    users: dict[str, set[str]] = {name: set() for name in names}
    for app in LAYERS:
        for path in python_files(app):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in users:
                    users[node.value].add(app)
    return users


def template_apps() -> dict[str, str]:
    """Each template → the app it is (see above), lowered until every user is counted."""
    names = template_names()
    includes = {name: {m.group(2) for m in INCLUDE.finditer(template_text(name))} for name in names}
    users = python_users(names)
    owners = {name: directory_app(name) or lowest(*users[name]) for name in names}
    changed = True
    while changed:
        changed = False
        for name in names:
            for included in includes[name] & owners.keys():
                if directory_app(included) is None and owners[name]:
                    lower = lowest(owners[included], owners[name])
                    if lower != owners[included]:
                        owners[included], changed = lower, True
    return {name: owner or LAYERS[-1] for name, owner in owners.items()}


def loaded_libraries(text: str):
    for match in LOAD.finditer(text):
        words = match.group(1).split()
        # `{% load name from library %}` loads from the last word; `{% load a b %}`, each word.
        yield from [words[-1]] if "from" in words else words


def template_findings() -> list[str]:
    libraries, urls, owners = tag_library_apps(), url_name_apps(), template_apps()
    users = python_users(owners)
    found = []
    for name, owner in owners.items():
        above = set(LAYERS[LAYERS.index(owner) + 1 :])
        text = template_text(name)
        for library in loaded_libraries(text):
            if library not in libraries:
                found.append(f"{name} ({owner}): loads an unknown tag library {library}")
            elif libraries[library] in above:
                found.append(f"{name} ({owner}): loads {library} ({libraries[library]})")
        for url_name in {m.group(2) for m in URL.finditer(text)}:
            if url_name not in urls:
                found.append(f"{name} ({owner}): reverses an unknown URL name {url_name}")
            elif urls[url_name] in above:
                found.append(f"{name} ({owner}): reverses {url_name} ({urls[url_name]})")
        for included in sorted({m.group(2) for m in INCLUDE.finditer(text)}):
            if directory_app(included) in above:
                found.append(f"{name} ({owner}): includes {included} ({directory_app(included)})")
    for name, apps_ in users.items():
        for app in sorted(apps_):
            if directory_app(name) in LAYERS[LAYERS.index(app) + 1 :]:
                found.append(f"{app} code renders {name} ({directory_app(name)})")
    return sorted(found)


def test_a_template_loads_and_links_only_the_apps_at_or_below_its_own():
    assert template_findings() == []


def test_the_template_check_knows_whose_libraries_names_and_templates_they_are():
    libraries, urls, owners = tag_library_apps(), url_name_apps(), template_apps()
    assert (libraries["alignment_tags"], libraries["figures"], libraries["i18n"]) == ("alignment", "indicators", None)
    assert (urls["goals:indicator-detail"], urls["alignment:matrix"], urls["methodology"]) == (
        "goals",
        "alignment",
        "ilo_plan",
    )
    assert (urls["staff-invitation"], urls["admin:index"]) == ("ilo_plan", None)
    assert urls["admin:indicators_reading_changelist"] == "indicators"
    assert urls["admin:goals_plan_import"] == "ilo_plan"  # the plan file's admin is the top app's
    assert owners["base.html"] == "ilo_plan"  # the page frame
    assert owners["goals/axis_detail.html"] == "goals" and owners["indicators/corrections.html"] == "indicators"
    assert owners["includes/target_item.html"] == "goals"  # included by goals' pages
    assert owners["includes/status_badge.html"] == "goals"  # goals' inclusion tag renders it
