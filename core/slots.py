"""What a page of a lower app shows of the apps above it, without naming them: links and panels.

The layers (core ← indicators ← goals ← alignment ← ilo_plan) forbid a lower app's template to load
an upper app's tag library or reverse an upper app's URL name (tests/test_layers.py). So the upper
app fills a named slot, at start-up (its `AppConfig.ready`), the way an app registers its models
with the admin (see also `indicators.locks`):

- a link, by purpose: `provide_link("methodology", lambda: reverse("methodology"))`; a lower
  template writes `{% link "methodology" %}` (or `{% link "indicator" indicator as url %}`), and
  the function answers the address, or None when there is no page to link to;
- a panel, a template of the upper app rendered into a named place of the lower page:
  `provide_panel("goals.axis", "alignment/axis_panel.html", alignment_of_axis)`; the lower template
  writes `{% panels "goals.axis" axis=axis %}`, and the function turns those values into the
  panel's context, or None when it has nothing to show.

Nothing provided: no link (an empty address, or None with `as`) and no panel."""

from collections.abc import Callable
from dataclasses import dataclass

_links: dict[str, Callable[..., str | None]] = {}


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[..., dict | None]


_panels: dict[str, list[Panel]] = {}


def provide_link(purpose: str, address: Callable[..., str | None]):
    _links[purpose] = address


def link(purpose: str, *args) -> str | None:
    """The address an upper app gives for `purpose` (of `args`), or None."""
    address = _links.get(purpose)
    return address(*args) if address is not None else None


def provide_panel(place: str, template: str, context: Callable[..., dict | None]):
    panel = Panel(template, context)
    if panel not in _panels.setdefault(place, []):
        _panels[place].append(panel)


def panels(place: str, **values) -> list[tuple[str, dict]]:
    """The (template, context) of every panel given for `place` that has something to show."""
    found = []
    for panel in _panels.get(place, []):
        context = panel.context(**values)
        if context is not None:
            found.append((panel.template, context))
    return found
