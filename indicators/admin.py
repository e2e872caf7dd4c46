from datetime import date

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import RecordAdmin, TabularInline

from . import (
    access,
    admin_staff,  # noqa: F401 (registers the staff page)
    terms,
)
from .admin_imports import ReadingImportExportMixin
from .forms import TYPED_DECIMALS, CorrectionForm, ReadingForm, ReasonForm
from .models import (
    OPEN_STATES,
    Indicator,
    Office,
    PeriodInReview,
    Reading,
    ReviewStatus,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(RecordAdmin):
    """The national catalogue (read-only but for superusers) and the entity's own units."""

    formfield_overrides = TYPED_DECIMALS

    list_display = ["name", "symbol", "min_value", "max_value", "decimals", "owner"]
    list_filter = [("entity", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code", "symbol"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and obj.is_catalogue:
            return allowed and request.user.is_superuser
        return allowed

    @admin.display(description=_("de"), ordering="entity")
    def owner(self, obj):
        return obj.entity.title if obj.entity_id else gettext("Catálogo nacional")


@admin.register(Office)
class OfficeAdmin(RecordAdmin):
    formfield_overrides = TYPED_DECIMALS
    list_display = ["name", "code", "is_default"]
    search_fields = ["name", "code"]
    filter_horizontal = ["members"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Only people of the office's entity (core.Membership) work in it.
        if db_field.name == "members":
            entity = access.entity_id(request.user)
            people = get_user_model().objects.filter(is_staff=True)
            kwargs["queryset"] = (
                people.filter(membership__entity_id=entity) if entity else people.filter(membership__isnull=False)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def outlier_sign():
    """The atípico flag: a warning to look again (amber ⚠), not an error (a red ✗)."""
    return format_html(
        '<strong class="outlier" title="{}">⚠ {}</strong>', _("Valor atípico"), _("Revise: muy lejos del historial")
    )


def value_with_unit(reading):
    """The reading's value with its unit's decimals and symbol, and the atípico flag."""
    text = reading.indicator.unit.quantity(reading.value)
    if reading.is_outlier:
        return format_html("{} {}", text, outlier_sign())
    return text


class ReadingInline(TabularInline):
    model = Reading
    extra = 0
    fields = ["period", "value_display", "status", "source", "is_demo"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["-period"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("indicator__unit")

    @admin.display(description=_("valor"))
    def value_display(self, obj):
        return value_with_unit(obj)


@admin.register(Indicator)
class IndicatorAdmin(RecordAdmin):
    formfield_overrides = TYPED_DECIMALS
    list_display = ["code", "name", "unit", "direction", "frequency", "office", "baseline_display", "baseline_date"]
    list_display_links = ["code", "name"]
    list_filter = ["office", "frequency", "direction", "unit"]
    search_fields = ["code", "name", "source"]
    list_select_related = ["unit", "office"]
    inlines = [ReadingInline]

    @admin.display(description=_("línea de base"), ordering="baseline_value")
    def baseline_display(self, obj):
        return "—" if obj.baseline_value is None else obj.unit.quantity(obj.baseline_value)


# The steps a reading's page offers, by the address segment of each: (verb, what it did, queue).
STEPS = {
    "enviar": _("Enviar a revisión"),
    "aprobar": _("Aprobar"),
    "rechazar": _("Rechazar con motivo"),
    "retirar": _("Retirar"),
}


@admin.register(Reading)
class ReadingAdmin(ReadingImportExportMixin, RecordAdmin):
    formfield_overrides = TYPED_DECIMALS
    form = ReadingForm
    change_form_template = "admin/indicators/reading/change_form.html"
    list_display = ["indicator", "period", "value_display", "status_display", "is_demo", "entered_by", "approved_at"]
    list_filter = ["status", "is_demo", "is_outlier", "indicator__office", "indicator"]
    search_fields = ["indicator__code", "indicator__name", "source", "note"]
    list_select_related = ["indicator__office", "indicator__unit", "entered_by"]
    date_hierarchy = "period"
    ordering = ["-period", "indicator__code"]
    actions = ["submit_selected", "approve_selected", "reject_selected", "withdraw_selected"]
    editable_fields = ["indicator", "period", "value", "source", "note"]
    workflow_fields = [
        "status",
        "outlier_display",
        "is_demo",
        "entered_by",
        "last_modified_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "approved_at",
        "review_note",
        "corrects",
        "correction_reason",
        "superseded_at",
        "withdrawn_at",
        "withdrawal_reason",
    ]
    # Shown open beside the value; the rest of the review's record folds away.
    shown_workflow_fields = ["status", "outlier_display", "is_demo"]

    def get_queryset(self, request):
        # Every page shows a value with its unit and checks its office: loaded with the reading.
        readings = super().get_queryset(request).visible_to(request.user)
        return readings.select_related("indicator__unit", "indicator__office")

    def visible_history(self, request, records):
        # Another office's staff see the approved versions of a public reading, not its drafts.
        return access.scope(request.user, records)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.editable_fields
        if obj.can_edit(request.user):
            return self.editable_fields + self.workflow_fields
        # Read-only, the value shows with its unit's decimals (16.8 h/día, not 16.8000).
        shown = ["value_display" if name == "value" else name for name in self.editable_fields]
        return shown + self.workflow_fields

    def get_fieldsets(self, request, obj=None):
        fields = self.get_fields(request, obj)
        folded = [name for name in self.workflow_fields if name not in self.shown_workflow_fields]
        sets = [(None, {"fields": [name for name in fields if name not in folded]})]
        if obj is not None:
            record = _("Registro de la revisión: personas, fechas y motivos")
            sets.append((record, {"fields": folded, "classes": ["collapse"]}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.can_edit(request.user):
            return ["indicator", *self.workflow_fields]
        return self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.can_edit(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A registrador only picks indicators of its own offices.
        if db_field.name == "indicator":
            kwargs["queryset"] = access.scope(request.user, Indicator.objects.all(), access.ROLE_REGISTRADOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        # The dashboard links here with ?indicator=<id>&period=<AAAA-MM-DD>: the period shows as
        # the form writes dates (dd/mm/aaaa).
        initial = super().get_changeform_initial_data(request)
        indicator = initial.get("indicator")
        if str(indicator or "").isdigit() and "source" not in initial:
            # Most readings of an indicator come from its usual source: offered, still editable.
            initial["source"] = Indicator.objects.filter(pk=indicator).values_list("source", flat=True).first() or ""
        period = initial.get("period")
        if isinstance(period, str):
            try:
                initial["period"] = date.fromisoformat(period)
            except ValueError:
                del initial["period"]
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            obj.edit(request.user)
        else:
            obj.register(request.user)

    @admin.display(description=_("valor"), ordering="value")
    def value_display(self, obj):
        return value_with_unit(obj)

    @admin.display(description=_("estado"), ordering="status")
    def status_display(self, obj):
        """The review state; a rejected reading says why, where its registrador looks first."""
        if obj.status == ReviewStatus.REJECTED and obj.review_note:
            return format_html(
                '{}<div class="rejection-reason">{} {}</div>',
                obj.get_status_display(),
                gettext("Motivo:"),
                obj.review_note,
            )
        return obj.get_status_display()

    @admin.display(description=_("valor atípico"))
    def outlier_display(self, obj):
        """A warning to look again when the value is far from the approved history; else "No"."""
        return outlier_sign() if obj.is_outlier else gettext("No")

    # --- the reading's page: where work happens ---

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow"] = self.workflow(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow(self, request, obj) -> dict:
        """What the reading's page offers `request.user`: the steps they may take on it, a line
        on why not when they may take none, and the atípico comparison a reviewer confirms."""
        user = request.user
        if obj is None:
            return {"submit": self.has_add_permission(request), "steps": [], "notes": []}
        steps, notes = [], []
        if obj.can_review(user):
            steps += ["aprobar", "rechazar"]
        elif obj.status == ReviewStatus.SUBMITTED and access.may_review(user, obj.indicator):
            notes.append(gettext("Usted registró o modificó esta lectura: la revisa otra persona (cuatro ojos)."))
        elif obj.status == ReviewStatus.SUBMITTED:
            notes.append(gettext("Espera la revisión de un revisor de la oficina."))
        if obj.can_withdraw(user):
            steps.append("retirar")
        correctable = obj.status == ReviewStatus.APPROVED and access.may_enter(user, obj.indicator)
        open_correction = correctable and obj.corrections.filter(status__in=OPEN_STATES).first()
        rejected = obj.status == ReviewStatus.REJECTED
        return {
            "submit": obj.can_submit(user),
            "rejection": obj.review_note if rejected else "",
            "steps": [(step, STEPS[step]) for step in steps],
            "correct": correctable and not open_correction,
            "open_correction": open_correction or None,
            "notes": notes,
            "outlier": obj.outlier_question() if obj.needs_outlier_confirmation() else "",
            "version": obj.updated_at.isoformat(),
        }

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_review" in request.POST:
            self._saved_message(request, obj, added=True)
            return self._submit(request, obj)
        self._warn_if_period_in_review(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit_review" in request.POST:
            self._saved_message(request, obj, added=False)
            return self._submit(request, obj)
        return super().response_change(request, obj)

    def _saved_message(self, request, obj, added):
        self.message_user(request, self.saved_message(obj, added=added), messages.SUCCESS)

    def _warn_if_period_in_review(self, request, obj):
        existing = (
            Reading.objects.filter(indicator_id=obj.indicator_id, period=obj.period, status=ReviewStatus.SUBMITTED)
            .exclude(pk=obj.pk)
            .first()
        )
        if existing is not None:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("Ya hay una lectura de este indicador y periodo en revisión: esta no podrá enviarse."),
                    reverse("admin:indicators_reading_change", args=[existing.pk]),
                    gettext("Abrir la lectura en revisión"),
                ),
                messages.WARNING,
            )

    def _submit(self, request, reading):
        """Submit a reading just saved from its form; a refusal leaves it saved as a draft."""
        return self._take_step(request, reading, "enviar", lambda: reading.submit(request.user))

    def _take_step(self, request, reading, step, act):
        change_url = reverse("admin:indicators_reading_change", args=[reading.pk])
        try:
            act()
        except PeriodInReview as refusal:
            link = reverse("admin:indicators_reading_change", args=[refusal.existing.pk])
            self.message_user(
                request,
                format_html(
                    '{} {} <a href="{}">{}</a>',
                    gettext("No se envió:"),
                    " ".join(refusal.messages),
                    link,
                    gettext("Abrir la lectura en revisión"),
                ),
                messages.ERROR,
            )
            return redirect(change_url)
        except (PermissionDenied, ValidationError) as refusal:
            self.message_user(request, gettext("No se pudo: %s") % " ".join(_messages_of(refusal)), messages.ERROR)
            return redirect(change_url)
        self.message_user(request, self.step_message(reading, step), messages.SUCCESS)
        return self._next_in_queue(request, reading, step)

    def step_message(self, reading, step):
        done = {
            "enviar": gettext("La lectura “%(reading)s” fue enviada a revisión."),
            "aprobar": gettext("La lectura “%(reading)s” fue aprobada: ya es pública."),
            "rechazar": gettext("La lectura “%(reading)s” fue rechazada; vuelve a quien la registró."),
            "retirar": gettext("La lectura “%(reading)s” fue retirada; queda en el historial."),
        }[step]
        return done % {"reading": reading}

    def _next_in_queue(self, request, reading, step):
        """After a step, the next reading waiting for this user: to review after a review, to
        complete and submit after an entry; the dashboard when the queue is empty."""
        user = request.user
        reviewing = step in ("aprobar", "rechazar") or (
            step == "retirar" and not access.may_enter(user, reading.indicator)
        )
        queue = Reading.objects.review_queue(user) if reviewing else Reading.objects.entry_queue(user)
        # Within the plan the reading belongs to: a queue of one term, then the dashboard.
        siblings = terms.same_plan_indicators(reading.indicator_id, reading.period)
        if siblings is not None:
            queue = queue.filter(indicator_id__in=siblings)
        following = queue.exclude(pk=reading.pk).select_related("indicator").first()
        if following is None:
            self.message_user(
                request,
                gettext("No quedan lecturas por revisar en su cola.")
                if reviewing
                else gettext("No quedan borradores ni lecturas rechazadas en su cola."),
                messages.INFO,
            )
            return redirect("admin:index")
        self.message_user(request, gettext("Siguiente en su cola: %s") % following, messages.INFO)
        return redirect("admin:indicators_reading_change", following.pk)

    def step_view(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        reading = get_object_or_404(
            self.get_queryset(request).select_related("indicator__unit", "indicator__office"), pk=pk
        )
        change_url = reverse("admin:indicators_reading_change", args=[reading.pk])
        if request.method != "POST" and step == "enviar":
            return redirect(change_url)
        version = request.POST.get("_version")
        if version and version != reading.updated_at.isoformat():
            # The page was read before someone else's step: what this person saw is not what is there.
            changed = gettext("Otra persona cambió esta lectura mientras usted la veía: revísela antes de decidir.")
            self.message_user(request, gettext("No se pudo: %s") % changed, messages.ERROR)
            return redirect(change_url)
        user = request.user
        if step == "enviar":
            return self._take_step(request, reading, step, lambda: reading.submit(user))
        if step == "aprobar":
            confirmed = request.POST.get("confirm_outlier") == "1"
            outlier = reading.needs_outlier_confirmation()
            if request.method == "POST" and (confirmed or not outlier):
                return self._take_step(request, reading, step, lambda: reading.approve(user, confirm_outlier=confirmed))
            if not outlier:
                return redirect(change_url)
            return self._step_page(request, reading, step, None)
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            verb = reading.reject if step == "rechazar" else reading.withdraw
            return self._take_step(request, reading, step, lambda: verb(user, reason))
        return self._step_page(request, reading, step, form)

    def _step_page(self, request, reading, step, form):
        context = {
            **self.admin_site.each_context(request),
            "title": f"{STEPS[step]}: {reading}",
            "opts": self.model._meta,
            "reading": reading,
            "step": step,
            "form": form,
            "question": reading.outlier_question() if step == "aprobar" else "",
            "previous": reading.previous_approved() if step == "aprobar" else None,
            "version": reading.updated_at.isoformat(),
            "change_url": reverse("admin:indicators_reading_change", args=[reading.pk]),
        }
        return render(request, "admin/indicators/reading/step.html", context)

    # --- workflow actions on the list: each row goes through the state machine ---

    def _apply(self, request, queryset, verb, step):
        moved, refused = 0, []
        for reading in queryset.select_related("indicator__unit", "indicator__office"):
            try:
                step(reading)
                moved += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"{reading}: {' '.join(_messages_of(error))}")
        if moved:
            self.message_user(request, verb(moved), messages.SUCCESS)
        for line in refused:
            self.message_user(request, gettext("No se pudo: %s") % line, messages.ERROR)

    @admin.action(description=_("Enviar a revisión"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._apply(request, queryset, _submitted, lambda r: r.submit(request.user))

    @admin.action(description=_("Aprobar"), permissions=["review"])
    def approve_selected(self, request, queryset):
        """Approve the selection; when it holds values flagged atípico, first a page that compares
        each with the previous one, and only the ones confirmed there are approved as such."""
        readings = list(queryset.select_related("indicator__unit", "indicator__office"))
        outliers = [r for r in readings if r.needs_outlier_confirmation()]
        if outliers and "apply" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Aprobar lecturas con valores atípicos"),
                "readings": readings,
                "outliers": [(reading, reading.outlier_question()) for reading in outliers],
                "opts": self.model._meta,
            }
            return render(request, "admin/indicators/reading/approve_outliers.html", context)
        confirmed = {int(pk) for pk in request.POST.getlist("confirmed_outlier") if pk.isdigit()}
        self._apply(
            request,
            queryset,
            _approved,
            lambda r: r.approve(request.user, confirm_outlier=r.pk in confirmed),
        )
        return None

    @admin.action(description=_("Rechazar (con motivo)"), permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "reject_selected",
            _("Rechazar lecturas"),
            _rejected,
            lambda r, reason: r.reject(request.user, reason),
        )

    @admin.action(description=_("Retirar (con motivo)"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "withdraw_selected",
            _("Retirar lecturas"),
            _withdrawn,
            lambda r, reason: r.withdraw(request.user, reason),
        )

    def has_review_permission(self, request):
        return access.acts_as(request.user, access.ROLE_REVISOR)

    def _with_reason(self, request, queryset, action, title, verb, step):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(request, queryset, verb, lambda r: step(r, reason))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "readings": queryset.select_related("indicator__unit"),
            "action": action,
            "opts": self.model._meta,
        }
        return render(request, "admin/indicators/reading/reason.html", context)

    # --- the steps' own addresses, and the correction of an approved reading ---

    def get_urls(self):
        view = self.admin_site.admin_view
        extra = [
            path("<int:pk>/corregir/", view(self.correct_view), name="indicators_reading_correct"),
            path("<int:pk>/paso/<str:step>/", view(self.step_view), name="indicators_reading_step"),
        ]
        return extra + super().get_urls()

    def correct_view(self, request, pk):
        reading = get_object_or_404(self.get_queryset(request).select_related("indicator__unit"), pk=pk)
        form = CorrectionForm(request.POST or None, initial={"source": reading.source}, reading=reading)
        if form.is_valid():
            try:
                correction = reading.correct(request.user, **form.cleaned_data)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                for field, errors in _by_field(error).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    gettext("Corrección registrada como borrador: revísela y envíela a revisión."),
                    messages.SUCCESS,
                )
                return redirect("admin:indicators_reading_change", correction.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Corregir %s") % reading,
            "form": form,
            "reading": reading,
            "approved_value": reading.indicator.unit.quantity(reading.value),
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return render(request, "admin/indicators/reading/correct.html", context)


def _submitted(count):
    return ngettext("%(count)s lectura enviada a revisión.", "%(count)s lecturas enviadas a revisión.", count) % {
        "count": count
    }


def _approved(count):
    return ngettext("%(count)s lectura aprobada.", "%(count)s lecturas aprobadas.", count) % {"count": count}


def _rejected(count):
    return ngettext("%(count)s lectura rechazada.", "%(count)s lecturas rechazadas.", count) % {"count": count}


def _withdrawn(count):
    return ngettext("%(count)s lectura retirada.", "%(count)s lecturas retiradas.", count) % {"count": count}


def _messages_of(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def _by_field(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [m for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {None: error.messages}
