"""The API's JSON parser, bounded: a body nested deeper than any request of this API needs is a
400 with a Spanish message, never a 500.

A body such as `[[[…]]]` nested 100,000 levels makes Python's decoder raise RecursionError, and
one nested a few hundred levels parses but can exhaust the stack of whatever walks it next
(validation, the error's rendering). The API's writes are flat objects (a reading, a step's
options): `MAX_DEPTH` leaves room and refuses the rest before anything else reads the body."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The depth of `{"a": [{"b": 1}]}` is 3; no write of this API goes beyond 2.
MAX_DEPTH = 20


def depth(data) -> int:
    """How deeply `data` (decoded JSON) nests objects and arrays, walked without recursion."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(
            _("JSON no válido: anida objetos o listas a más de %(levels)s niveles.") % {"levels": MAX_DEPTH}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise too_deep from error
        if depth(data) > MAX_DEPTH:
            raise too_deep
        return data
