"""Upload → preview → confirm imports, per-office templates and exports, inside the readings admin.

The uploaded file stays in the session between preview and confirmation and is validated
again on confirmation, so nothing changes in between unseen."""

import base64

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import access, exports, imports, terms
from .calendar import due_periods
from .models import OPEN_STATES, PUBLIC_STATES, Indicator, Office, Reading

SESSION_KEY = "readings_import"
PREVIEW_ROWS = 200
CSV_TYPE = "text/csv; charset=utf-8"
# The template's forms: XLSX, CSV with `,` and a decimal point, CSV with `;` and a decimal comma.
TEMPLATE_KINDS = ("xlsx", "csv", "csv-excel-es")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo XLSX o CSV"),
        help_text=_(
            "La plantilla de su oficina, llena: columnas codigo, indicador, unidad, decimales, periodo "
            "(dd/mm/aaaa), valor, fuente y nota (también con sus nombres en inglés)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(gettext("Suba un archivo .csv o .xlsx."))
        # Judged on the size the upload declares, before a byte of it is parsed.
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * imports.MB:
            raise forms.ValidationError(
                gettext(
                    "El archivo pasa de %(size)s MB: divídalo en archivos más pequeños, o pida al área de sistemas "
                    "que lo cargue por usted."
                )
                % {"size": settings.IMPORT_MAX_UPLOAD_MB}
            )
        return upload


class ReadingImportExportMixin:
    change_list_template = "admin/indicators/reading/change_list.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name, description in (
            ("export_csv", "Exportar CSV"),
            ("export_csv_excel", "Exportar CSV (Excel en español)"),
            ("export_xlsx", "Exportar XLSX"),
        ):
            actions[name] = (getattr(type(self), name), name, description)
        return actions

    def export_csv(self, request, queryset):
        body = exports.to_csv(queryset.select_related("indicator__unit"))
        return _download(body, "lecturas.csv", CSV_TYPE)

    def export_csv_excel(self, request, queryset):
        body = exports.to_csv(queryset.select_related("indicator__unit"), excel_spanish=True)
        return _download(body, "lecturas-excel-es.csv", CSV_TYPE)

    def export_xlsx(self, request, queryset):
        body = exports.to_xlsx(queryset.select_related("indicator__unit"))
        return _download(body, "lecturas.xlsx", exports.XLSX_TYPE)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("importar/", view(self.import_view), name="indicators_reading_import"),
            path("importar/confirmar/", view(self.import_confirm_view), name="indicators_reading_import_confirm"),
            path(
                "plantilla/<str:office_code>/",
                view(self.template_view),
                {"kind": "xlsx"},
                name="indicators_reading_template",
            ),
            path(
                "plantilla/<str:office_code>/<str:kind>/",
                view(self.template_view),
                name="indicators_reading_template_kind",
            ),
        ] + super().get_urls()

    def _require_add(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied("Solo un registrador puede importar lecturas.")

    def import_view(self, request):
        self._require_add(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        preview = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            raw = upload.read()
            parsed = imports.parse_file(raw, upload.name, imports.Limits.for_upload())
            report = imports.validate(parsed, request.user)
            if report.ok:
                request.session[SESSION_KEY] = {"name": upload.name, "data": base64.b64encode(raw).decode()}
                # A valid report holds one reading per row, in the file's order.
                preview = list(zip((line for line, _ in parsed.rows), report.readings[:PREVIEW_ROWS], strict=False))
            else:
                request.session.pop(SESSION_KEY, None)
        # The offices whose templates are offered: those where the person enters readings.
        offices = access.scope(request.user, Office.objects.all(), access.ROLE_REGISTRADOR).select_related("entity")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importar lecturas"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "preview": preview,
            "preview_rows": PREVIEW_ROWS,
            "offices": offices,
        }
        return render(request, "admin/indicators/reading/import.html", context)

    def import_confirm_view(self, request):
        self._require_add(request)
        stored = request.session.get(SESSION_KEY)
        if request.method != "POST" or not stored:
            return redirect("admin:indicators_reading_import")
        raw = base64.b64decode(stored["data"])
        report = imports.import_file(raw, stored["name"], request.user, limits=imports.Limits.for_upload())
        request.session.pop(SESSION_KEY, None)
        if report.ok:
            count = len(report.readings)
            done = ngettext(
                "%(count)s lectura importada como borrador: revísela y envíela a revisión.",
                "%(count)s lecturas importadas como borrador: revíselas y envíelas a revisión.",
                count,
            )
            self.message_user(request, done % {"count": f"{count:,}"}, messages.SUCCESS)
        else:
            for line in report.lines(limit=20):
                self.message_user(request, line, messages.ERROR)
            self.message_user(
                request, gettext("No se importó nada: corrija el archivo y vuelva a subirlo."), messages.ERROR
            )
        return redirect("admin:indicators_reading_changelist")

    def template_view(self, request, office_code, kind):
        """The office's template: its indicators, each with the periods still due (ended, with no
        approved reading and none under way), ready to fill. XLSX, or CSV in either convention."""
        self._require_add(request)
        if kind not in TEMPLATE_KINDS:
            raise Http404
        # Codes are unique within an entity; the admin's scope holds one entity but for superusers,
        # whose links say which (?entity=<ubigeo>).
        offices = Office.objects.filter(code=office_code)
        if request.GET.get("entity"):
            offices = offices.filter(entity__ubigeo=request.GET["entity"])
        found = list(offices.select_related("entity")[:2])
        if len(found) != 1:
            raise Http404
        office = found[0]
        rows = exports.template_rows(*office_due_periods(office, timezone.localdate()))
        name = f"plantilla-{office.code.lower()}"
        if kind == "xlsx":
            return _download(exports.template_xlsx(rows), f"{name}.xlsx", exports.XLSX_TYPE)
        excel_spanish = kind == "csv-excel-es"
        return _download(exports.csv_bytes(rows, excel_spanish=excel_spanish), f"{name}-{kind}.csv", CSV_TYPE)


def office_due_periods(office, today):
    """The office's indicators (units loaded) and, for each, its due periods. The plan's start
    comes from the plans that measure the indicator (`indicators.terms`): an indicator with no
    approved reading since starts there; a context indicator with none, at its last ended period."""
    indicators = list(
        Indicator.objects.filter(office=office)
        .select_related("unit")
        .annotate(
            last_approved=Max("readings__period", filter=Q(readings__status__in=PUBLIC_STATES)),
        )
        .order_by("order", "code")
    )
    starts = terms.term_starts(indicator.pk for indicator in indicators)
    under_way = {}
    for indicator_id, period in Reading.objects.filter(indicator__office=office, status__in=OPEN_STATES).values_list(
        "indicator_id", "period"
    ):
        under_way.setdefault(indicator_id, set()).add(period)
    periods = {
        indicator.pk: due_periods(
            indicator.frequency,
            indicator.last_approved,
            first_period=starts.get(indicator.pk),
            today=today,
            skip=under_way.get(indicator.pk, ()),
        )
        for indicator in indicators
    }
    return indicators, periods


def _download(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
