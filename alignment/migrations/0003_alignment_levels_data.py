"""Alignment levels as data, second of three steps: the data moves (a migration of its own, so
that PostgreSQL never alters a table with row changes pending in the same transaction).

Existing data: each plan gets one level per level it used (codes `national`, `regional`,
`provincial` kept, so addresses such as /alineamiento/national/2/ and natural keys stay), with
the source plan its objectives named (the most common one, were they to differ); each
objective, and every historical version of it, points at its level; each row's links are its
national objective, then its regional and provincial ones in the order they were stored (the
order the annex lists them in: row 1 names regional objective 8 before 1). The levels and links
get a first history row saying they came from this migration; the old m2m history tables of
the regional and provincial lists go with their columns in 0004. Undone, the old columns and
lists are filled back from the levels and links."""

from collections import Counter

from django.db import migrations
from django.utils import timezone


LEVELS = [("national", "Nacional"), ("regional", "Regional"), ("provincial", "Provincial")]
REASON = "migración: niveles de articulación como datos"


def record_history(history_model, obj, now):
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    history_model.objects.create(**fields, history_date=now, history_type="+", history_change_reason=REASON)


def levels_as_data(apps, schema_editor):
    Objective = apps.get_model("alignment", "AlignmentObjective")
    HistoricalObjective = apps.get_model("alignment", "HistoricalAlignmentObjective")
    Level = apps.get_model("alignment", "AlignmentLevel")
    HistoricalLevel = apps.get_model("alignment", "HistoricalAlignmentLevel")
    Row = apps.get_model("alignment", "AlignmentRow")
    Link = apps.get_model("alignment", "AlignmentLink")
    HistoricalLink = apps.get_model("alignment", "HistoricalAlignmentLink")
    now = timezone.now()
    for plan_id in Objective.objects.values_list("plan_id", flat=True).distinct().order_by("plan_id"):
        for order, (code, name) in enumerate(LEVELS, start=1):
            objectives = Objective.objects.filter(plan_id=plan_id, level=code)
            sources = Counter(objectives.values_list("source_plan", flat=True))
            if not sources:
                continue
            level = Level.objects.create(
                plan_id=plan_id, code=code, name=name, source_plan=sources.most_common(1)[0][0], order=order
            )
            record_history(HistoricalLevel, level, now)
            objectives.update(level_ref=level)
            HistoricalObjective.objects.filter(plan_id=plan_id, level=code).update(level_ref=level)
    for row in Row.objects.order_by("pk"):
        ordered = [row.national_id]
        for field in ("regional", "provincial"):
            through = Row._meta.get_field(field).remote_field.through
            ordered += list(
                through.objects.filter(alignmentrow_id=row.pk).order_by("pk").values_list("alignmentobjective_id", flat=True)
            )
        for order, objective_id in enumerate(ordered, start=1):
            record_history(HistoricalLink, Link.objects.create(row=row, objective_id=objective_id, order=order), now)


def levels_back_to_choices(apps, schema_editor):
    Objective = apps.get_model("alignment", "AlignmentObjective")
    HistoricalObjective = apps.get_model("alignment", "HistoricalAlignmentObjective")
    Level = apps.get_model("alignment", "AlignmentLevel")
    Row = apps.get_model("alignment", "AlignmentRow")
    Link = apps.get_model("alignment", "AlignmentLink")
    for level in Level.objects.all():
        Objective.objects.filter(level_ref_id=level.pk).update(level=level.code, source_plan=level.source_plan)
        HistoricalObjective.objects.filter(level_ref_id=level.pk).update(level=level.code)
    for row in Row.objects.all():
        links = Link.objects.filter(row=row).select_related("objective__level_ref").order_by("order", "pk")
        by_level = {}
        for link in links:
            by_level.setdefault(link.objective.level_ref.code, []).append(link.objective_id)
        row.national_id = by_level.get("national", [row.national_id])[0]
        row.save(update_fields=["national"])
        row.regional.set(by_level.get("regional", []))
        row.provincial.set(by_level.get("provincial", []))
    Link.objects.all().delete()
    Objective.objects.update(level_ref=None)
    HistoricalObjective.objects.update(level_ref=None)
    Level.objects.all().delete()



class Migration(migrations.Migration):
    dependencies = [("alignment", "0002_alignment_levels_as_data")]

    operations = [migrations.RunPython(levels_as_data, levels_back_to_choices)]
