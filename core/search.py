"""Search by words, done by the database: each searchable record keeps its words folded (lower
case, no accents, spaces collapsed: `core.models.fold`) in a `search_text` column, and a query
is one `LIKE '%word%'` per word on that column. On PostgreSQL a trigram index (`pg_trgm`) answers
those LIKEs without reading every row, so a search of every plan in the country costs about what
a search of one plan costs; SQLite reads the column whole, which is what `make run` needs.

The column is kept by signals, never by hand: `keep_search_text(Model, paths, dependents)` fills
it on every save of the record (raw fixture loads and `update_fields` included) from the values at `paths`
(`"objective__text"` follows a foreign key), and rewrites it for the records of a dependent model
when a record they read from is saved (an objective's new text reaches its targets). Code that
writes those fields with `QuerySet.update()`, `bulk_create()` or SQL calls `refresh_all()` (or
`refresh()`) after it; a row inserted by SQL without the column gets '' (found by no search) until then."""

from django.db import models
from django.db.models.signals import post_save, pre_save

from .models import fold

FIELD = "search_text"


class SearchTextField(models.TextField):
    """The record's words as a search reads them; not edited, not in fixtures or history."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_default", "")  # a row inserted by SQL is valid, found by nothing until refreshed
        kwargs.setdefault("serialize", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (
            ("editable", False),
            ("blank", True),
            ("default", ""),
            ("db_default", ""),
            ("serialize", False),
        ):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs


def words_of(*values) -> str:
    return fold(" ".join(str(value) for value in values if value not in (None, "")))


def query_words(query: str) -> list[str]:
    return fold(query).split()


def matching(queryset, words):
    """The records of `queryset` whose words hold every one of `words` (already folded)."""
    for word in words:
        queryset = queryset.filter(**{f"{FIELD}__contains": word})
    return queryset


def value_at(instance, path: str):
    value = instance
    for name in path.split("__"):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def refresh(queryset, paths) -> int:
    """Rewrite the words of every record of `queryset` whose words are not what its fields say
    (one read, then one UPDATE per 500 changed). Returns how many changed."""
    model = queryset.model
    changed = []
    for pk, stored, *values in queryset.order_by().values_list("pk", FIELD, *paths).iterator(chunk_size=2000):
        words = words_of(*values)
        if words != stored:
            changed.append(model(pk=pk, **{FIELD: words}))
    model._base_manager.bulk_update(changed, [FIELD], batch_size=500)
    return len(changed)


# model → the paths its words are read from, for each model whose words are kept.
_kept: dict = {}


def refresh_all() -> int:
    """Rewrite the words of every searchable record that does not hold what its fields say."""
    return sum(refresh(model._base_manager.all(), paths) for model, paths in _kept.items())


def keep_search_text(model, paths, dependents=()):
    """Connect the signals that keep `model`'s words: its own pre_save, and for each (`source`
    model, `lookup` from `model` to it) of `dependents`, a post_save of `source` that refreshes
    the records of `model` reading from it."""
    paths = tuple(paths)
    _kept[model] = paths

    def fill(sender, instance, **kwargs):
        setattr(instance, FIELD, words_of(*(value_at(instance, path) for path in paths)))

    def written(sender, instance, update_fields=None, **kwargs):
        # save(update_fields=[...]) writes only those columns: the words follow in their own UPDATE.
        if update_fields is not None and FIELD not in update_fields:
            model._base_manager.filter(pk=instance.pk).update(**{FIELD: getattr(instance, FIELD)})

    pre_save.connect(fill, sender=model, weak=False, dispatch_uid=f"search_text:{model._meta.label}")
    post_save.connect(written, sender=model, weak=False, dispatch_uid=f"search_text:{model._meta.label}:written")
    for source, lookup in dependents:

        def follow(sender, instance, created, lookup=lookup, **kwargs):
            if not created:  # a new record has nothing reading from it yet
                refresh(model._base_manager.filter(**{lookup: instance.pk}), paths)

        post_save.connect(
            follow, sender=source, weak=False, dispatch_uid=f"search_text:{model._meta.label}:{source._meta.label}"
        )


def trigram_index(table: str, name: str):
    """A migration's RunPython pair adding a trigram index on `table`.search_text on PostgreSQL
    (nothing on SQLite, which has no such index)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({FIELD} gin_trgm_ops)")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return forwards, backwards
