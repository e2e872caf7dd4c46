"""Upload → preview → confirm imports, per-office templates and exports, inside the readings admin.

The uploaded file stays in the session between preview and confirmation and is validated
again on confirmation, so nothing changes in between unseen."""

import base64

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import exports, imports
from .models import Indicator, Office

SESSION_KEY = "readings_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo CSV o XLSX"),
        help_text=_("Columnas: indicator_code, period, value, source, note. Archivos grandes: import_readings."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError("Suba un archivo .csv o .xlsx.")
        # Judged on the size the upload declares, before a byte of it is parsed.
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * imports.MB:
            raise forms.ValidationError(
                f"El archivo pasa de {settings.IMPORT_MAX_UPLOAD_MB} MB: divídalo, "
                "o pida a sistemas que lo cargue con python manage.py import_readings."
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
        return _download(exports.to_csv(queryset.select_related("indicator")), "lecturas.csv", "text/csv")

    def export_csv_excel(self, request, queryset):
        body = exports.to_csv(queryset.select_related("indicator"), excel_spanish=True)
        return _download(body, "lecturas.csv", "text/csv")

    def export_xlsx(self, request, queryset):
        body = exports.to_xlsx(queryset.select_related("indicator"))
        return _download(body, "lecturas.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("importar/", view(self.import_view), name="indicators_reading_import"),
            path("importar/confirmar/", view(self.import_confirm_view), name="indicators_reading_import_confirm"),
            path("plantilla/<str:office_code>/", view(self.template_view), name="indicators_reading_template"),
        ] + super().get_urls()

    def _require_add(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied("Solo un registrador puede importar lecturas.")

    def import_view(self, request):
        self._require_add(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            raw = upload.read()
            parsed = imports.parse_file(raw, upload.name, imports.Limits.for_upload())
            report = imports.validate(parsed, request.user)
            if report.ok:
                request.session[SESSION_KEY] = {"name": upload.name, "data": base64.b64encode(raw).decode()}
            else:
                request.session.pop(SESSION_KEY, None)
        offices = Office.objects.all() if request.user.is_superuser else request.user.offices.all()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importar lecturas"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "preview": report.readings[:200] if report else [],
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
            self.message_user(request, f"{len(report.readings):,} lecturas importadas como borrador.", messages.SUCCESS)
        else:
            for line in report.lines(limit=20):
                self.message_user(request, line, messages.ERROR)
            self.message_user(request, "No se importó nada: corrija el archivo y vuelva a subirlo.", messages.ERROR)
        return redirect("admin:indicators_reading_changelist")

    def template_view(self, request, office_code):
        office = get_object_or_404(Office, code=office_code)
        indicators = Indicator.objects.filter(office=office).order_by("code")
        return _download(exports.template_csv(indicators), f"plantilla-{office.code.lower()}.csv", "text/csv")


def _download(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
