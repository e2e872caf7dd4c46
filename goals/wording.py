"""The words of the status rules: status labels and the sentence behind each reason code of
`goals.progress`, in the active language (Spanish, or English under /en/), with the figures
written by `core.formatting`. Pages, charts, CSV and the API all read their words here."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from core import formatting

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
    """`explain` for a target, with its indicator's frequency and its unit. A deliverable the plan
    names no project for says so, never that "its project" lacks milestones."""
    if evaluation.reason.code == ReasonCode.NO_MILESTONES and not target.project_id:
        return gettext(
            "El plan no nombra un proyecto para este entregable: la municipalidad aún no ha registrado cómo se medirá."
        )
    frequency = target.indicator.frequency if target.indicator_id else "annual"
    return explain(evaluation.reason, frequency, target.unit_label)


def progress_note(evaluation: Evaluation) -> str:
    """What to write where a progress bar would be, when there is none."""
    if evaluation.status == Status.NO_DATA:
        return gettext("Avance: sin datos del periodo")
    return gettext("Avance no medible: el plan no fijó línea de base")


def moved_by(amount, unit: str) -> str:
    """How far a value moved, in its unit; a percentage moves by percentage points (20 % → 16.5 %
    fell 3.5 points, not 3.5 %)."""
    if unit.strip() == "%":
        # One point is singular; 3.5 and 0.5 are plural, in both languages.
        count = 1 if amount == 1 else 2
        return ngettext("%(amount)s punto porcentual", "%(amount)s puntos porcentuales", count) % {
            "amount": formatting.number(amount)
        }
    return f"{formatting.number(amount)} {unit}".strip()


def unmeasured_note(target, evaluation: Evaluation, first) -> str:
    """Where a target with no baseline would have its bar: what is known instead, the first and
    the last figure of the term (`first` and the evaluation's latest) and how the value moved. Words
    only: the verdict stays the status rules' own."""
    frequency = target.indicator.frequency if target.indicator_id else "annual"
    unit = target.unit_label

    def figure(period, value) -> str:
        amount = f"{formatting.number(value)} {unit}".strip()
        return f"{formatting.period(period, frequency)}: {amount}"

    last = figure(evaluation.latest_period, evaluation.latest_value)
    if first is None or first.period == evaluation.latest_period:
        return gettext(
            "El plan no dio un punto de partida, así que el avance no se mide en porcentaje; hay un solo dato "
            "del periodo (%(last)s)."
        ) % {"last": last}
    change = evaluation.latest_value - first.value
    values = {
        "first": figure(first.period, first.value),
        "last": last,
        "change": moved_by(abs(change), unit),
    }
    if change > 0:
        sentence = gettext(
            "El plan no dio un punto de partida, así que el avance no se mide en porcentaje; desde el primer dato "
            "del periodo (%(first)s) hasta el último (%(last)s), el valor subió %(change)s."
        )
    elif change < 0:
        sentence = gettext(
            "El plan no dio un punto de partida, así que el avance no se mide en porcentaje; desde el primer dato "
            "del periodo (%(first)s) hasta el último (%(last)s), el valor bajó %(change)s."
        )
    else:
        sentence = gettext(
            "El plan no dio un punto de partida, así que el avance no se mide en porcentaje; desde el primer dato "
            "del periodo (%(first)s) hasta el último (%(last)s), el valor no cambió."
        )
    return sentence % values


def result_headline(framing) -> str:
    """The headline of an ended term (`goals.public.Framing`): how many targets were met, not met
    and left without data of the term, in that order, and "final" only once the plan is closed.
    "Al cierre del periodo: 3 metas cumplidas, 2 no cumplidas y 10 sin datos del periodo"."""
    lead = gettext("Resultado final") if framing.closed else gettext("Al cierre del periodo")
    if framing.total and framing.no_data == framing.total:
        body = ngettext(
            "la meta no tiene datos del periodo",
            "ninguna de las %(total)s metas tiene datos del periodo",
            framing.total,
        ) % {"total": framing.total}
        return f"{lead}: {body}"
    parts = [
        ngettext("%(count)s meta cumplida", "%(count)s metas cumplidas", framing.achieved)
        % {"count": framing.achieved},
        ngettext("%(count)s no cumplida", "%(count)s no cumplidas", framing.not_achieved)
        % {"count": framing.not_achieved},
    ]
    if framing.no_data:
        parts.append(
            ngettext("%(count)s sin datos del periodo", "%(count)s sin datos del periodo", framing.no_data)
            % {"count": framing.no_data}
        )
    if framing.under_way:
        parts.append(
            ngettext("%(count)s aún en curso", "%(count)s aún en curso", framing.under_way)
            % {"count": framing.under_way}
        )
    # Translators: the last two items of a list ("3 met, 2 not met and 10 without data").
    body = gettext("%(items)s y %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}
    return f"{lead}: {body}"


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
