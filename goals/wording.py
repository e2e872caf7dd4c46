"""The words of the status rules: status labels and the sentence behind each reason code of
`goals.progress`, in the active language (Spanish, or English under /en/), with the figures
written by `indicators.formatting`. Pages, charts, CSV and the API all read their words here."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from indicators import formatting

from .progress import Evaluation, Reason, ReasonCode, ReasonValue, Status

STATUS_LABELS = {
    Status.ACHIEVED: gettext_lazy("Meta cumplida"),
    Status.ON_TRACK: gettext_lazy("En camino"),
    Status.AT_RISK: gettext_lazy("En riesgo"),
    Status.OFF_TRACK: gettext_lazy("Retrasada"),
    Status.NOT_ACHIEVED: gettext_lazy("No cumplida"),
    Status.NO_DATA: gettext_lazy("Sin datos del periodo"),
}

# One sentence per reason; %(name)s takes the reason's value of that name, already formatted.
REASONS = {
    ReasonCode.NO_TERM_DATA: gettext_lazy(
        "Sin datos del periodo: no hay ningún dato aprobado con periodo entre el %(start)s y el %(end)s."
    ),
    ReasonCode.ONLY_EARLIER_DATA: gettext_lazy(
        "Sin datos del periodo: no hay ningún dato aprobado con periodo entre el %(start)s y el %(end)s. "
        "El último dato (%(value)s, %(period)s) es anterior al plan: es contexto, no un resultado."
    ),
    ReasonCode.MET: gettext_lazy("Meta cumplida: el último dato del periodo (%(value)s, %(period)s) la alcanza."),
    ReasonCode.MAINTAINED: gettext_lazy(
        "La línea de base (%(baseline)s, %(baseline_period)s) ya cumplía la meta, y el último dato del periodo "
        "(%(value)s, %(period)s) la sigue cumpliendo: se trata de mantenerla."
    ),
    ReasonCode.SETBACK: gettext_lazy(
        "Retroceso: la línea de base (%(baseline)s, %(baseline_period)s) ya cumplía la meta, pero el último dato "
        "del periodo (%(value)s, %(period)s) ya no la cumple."
    ),
    ReasonCode.FINAL_NOT_MET: gettext_lazy(
        "El plazo venció el %(deadline)s: el último dato del periodo (%(value)s, %(period)s) no alcanza la meta."
    ),
    ReasonCode.PACE: gettext_lazy("Avance %(progress)s: se esperaba %(expected)s a esta fecha."),
    ReasonCode.TREND: gettext_lazy(
        "Avance %(progress)s (se esperaba %(expected)s), pero la tendencia alcanza la meta al %(deadline)s."
    ),
    ReasonCode.UNMEASURABLE_TREND_MEETS: gettext_lazy(
        "Avance no medible: el plan no fijó línea de base. La tendencia de los datos del periodo alcanza la meta "
        "al %(deadline)s."
    ),
    ReasonCode.UNMEASURABLE_TREND_MISSES: gettext_lazy(
        "Avance no medible: el plan no fijó línea de base. La tendencia de los datos del periodo no alcanza la meta "
        "al %(deadline)s."
    ),
    ReasonCode.UNMEASURABLE_SINGLE: gettext_lazy(
        "Avance no medible: el plan no fijó línea de base, y con un solo dato del periodo (%(value)s, %(period)s) "
        "aún no hay tendencia. El dato no alcanza la meta."
    ),
    ReasonCode.NO_MILESTONES: gettext_lazy(
        "El proyecto de este entregable aún no tiene avances registrados: no se puede calcular cuánto avanzó."
    ),
    ReasonCode.DELIVERED: gettext_lazy("Entregado: todos los avances previstos del proyecto cumplidos al %(date)s."),
    ReasonCode.DELIVERY_FINAL_NOT_MET: gettext_lazy(
        "El plazo venció el %(deadline)s con %(progress)s de los avances previstos del proyecto cumplidos."
    ),
    ReasonCode.DELIVERY_PACE: gettext_lazy(
        "Cumplido el %(progress)s de los avances previstos del proyecto: se esperaba %(expected)s a esta fecha."
    ),
    ReasonCode.RECURRING_FINAL_MET: gettext_lazy("Cumplida en cada año del periodo (%(met)s de %(years)s)."),
    ReasonCode.RECURRING_FINAL_MISSED: gettext_lazy(
        "No consta que se cumpliera en %(missed)s: %(met)s de %(years)s años cumplidos."
    ),
    ReasonCode.RECURRING_ON_TRACK: gettext_lazy("Cumplida en todos los años transcurridos (%(met)s de %(years)s)."),
    ReasonCode.RECURRING_MISSED: gettext_lazy(
        "Cumplida en %(met)s de %(years)s años transcurridos; no consta que se cumpliera en %(missed)s."
    ),
}

# Reason values that are the period a reading measures, not a day; and figures in the target's unit.
PERIOD_VALUES = {"period", "baseline_period"}
FIGURE_VALUES = {"value", "baseline"}

TIMING_LABELS = {
    "before": pgettext_lazy("reading timing", "antes del periodo"),
    "term": pgettext_lazy("reading timing", "del periodo"),
    "after": pgettext_lazy("reading timing", "después del plazo"),
}


def status_label(status: Status | str) -> str:
    return str(STATUS_LABELS[Status(status)])


def explain(reason: Reason, frequency: str = "annual", unit: str = "") -> str:
    """The sentence that says why a target has its status. `frequency` is the indicator's, so
    that a yearly figure reads '2015' and a monthly one 'marzo de 2021'; `unit` follows figures."""
    values = {name: _formatted(name, value, frequency, unit) for name, value in reason.values.items()}
    return str(REASONS[reason.code]) % values


def explain_target(target, evaluation: Evaluation) -> str:
    """`explain` for a target, with its indicator's frequency and its unit."""
    frequency = target.indicator.frequency if target.indicator_id else "annual"
    return explain(evaluation.reason, frequency, target.unit)


def progress_note(evaluation: Evaluation) -> str:
    """What to write where a progress bar would be, when there is none."""
    if evaluation.status == Status.NO_DATA:
        return gettext("Avance: sin datos del periodo")
    return gettext("Avance no medible: el plan no fijó línea de base")


def timing_label(timing: str) -> str:
    return str(TIMING_LABELS[timing])


def reason_data(reason: Reason) -> Mapping[str, object]:
    """A reason's values for JSON and CSV: dates in ISO, figures as strings, years as a list."""
    return {name: _plain(value) for name, value in reason.values.items()}


def _formatted(name: str, value: ReasonValue, frequency: str, unit: str) -> str:
    if isinstance(value, date):
        return formatting.period(value, frequency) if name in PERIOD_VALUES else formatting.short_date(value)
    if name in FIGURE_VALUES and unit:
        return f"{formatting.number(value)} {unit}"
    if isinstance(value, float):
        return formatting.percent(value)
    if isinstance(value, tuple):
        return ", ".join(str(year) for year in value)
    return formatting.number(value)


def _plain(value: ReasonValue):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple):
        return list(value)
    return value
