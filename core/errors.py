"""The errors every layer may raise and the bottom layer answers: kept here so that the site-wide
API plumbing (`core.api_support`) knows them without importing the apps above it."""

from django.core.exceptions import ValidationError


class RuleError(ValidationError):
    """A step the record's current state does not allow (a workflow transition, a step another
    person took first). Not a wrong field: the API answers 409 Conflict, not 400. Each app's
    own refusals subclass it (`indicators.models.TransitionError`)."""
