"""What the project adds to the admin: the API tokens (the superuser's list of everyone's tokens,
by prefix, to revoke them) and the plan file's upload on the plans' pages.

knox's own admin is replaced. Whatever permissions a group is given,
no one but a superuser opens the token pages; each person manages their own at /admin/tokens/."""

import base64

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyHistory
from goals import admin as goals_admin
from goals.models import Plan
from indicators.workbooks import MB

from . import plan_file
from .models import SiteSettings

admin.site.unregister(AuthToken)


class SuperuserOnly:
    """Records above every entity (people's accounts, roles, login attempts, the site's settings):
    only a superuser opens them, whatever permissions a group is given. An entity's staff are
    managed on its own staff page (indicators.admin_staff), inside the entity."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser and super().has_delete_permission(request, obj)


for model, model_admin in [
    (DBTaskResult, DBTaskResultAdmin),
    (get_user_model(), UserAdmin),
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (SuperuserOnly, model_admin), {}))


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["token_key", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["token_key", "user__username"]
    fields = ["token_key", "user", "created", "expiry"]
    ordering = ["-created"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False  # a new key is shown once, to its owner, on /admin/tokens/

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


# --- plans: upload a plan file, preview, confirm --------------------------------------------------

SESSION_KEY = "plan_file_import"


class PlanFileForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo de plan (XLSX)"),
        help_text=_("Hojas plan, ejes, metas, articulacion y proyectos: vea la plantilla y la guía en esta página."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(gettext("Suba un archivo .xlsx."))
        # Judged on the size the upload declares, before a byte of it is parsed.
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * MB:
            raise forms.ValidationError(
                gettext("El archivo pasa de %(size)s MB.") % {"size": settings.IMPORT_MAX_UPLOAD_MB}
            )
        return upload


admin.site.unregister(Plan)


@admin.register(Plan)
class PlanAdmin(goals_admin.PlanAdmin):
    """The plans, with the plan file: a template to download, an upload that is checked whole and
    previewed (nothing written), then confirmed (all or nothing), and any plan as its file. Its
    templates are this app's (templates/admin/ilo_plan/plan/), not goals': goals' own admin of the
    plans knows nothing of the plan file."""

    change_list_template = "admin/ilo_plan/plan/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("importar/", view(self.import_view), name="goals_plan_import"),
            path("importar/confirmar/", view(self.import_confirm_view), name="goals_plan_import_confirm"),
            path("plantilla.xlsx", view(self.template_view), name="goals_plan_template"),
            path("<int:plan_id>/archivo.xlsx", view(self.export_view), name="goals_plan_export"),
        ] + super().get_urls()

    def may_import(self, request) -> bool:
        return plan_file.may_import(request.user)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "may_import": self.may_import(request)})

    def import_view(self, request):
        if not self.may_import(request):
            # Said before any form is filled: the page explains who loads plans, and how to ask.
            context = {
                **self.admin_site.each_context(request),
                "title": _("Importar un archivo de plan"),
                "opts": self.model._meta,
                "refusal": plan_file.IMPORT_REFUSAL,
            }
            return render(request, "admin/ilo_plan/plan/import.html", context, status=403)
        form = PlanFileForm(request.POST or None, request.FILES or None)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            raw = upload.read()
            report = plan_file.import_plan(raw, user=request.user, dry_run=True)
            if report.ok:
                request.session[SESSION_KEY] = {"name": upload.name, "data": base64.b64encode(raw).decode()}
            else:
                request.session.pop(SESSION_KEY, None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importar un archivo de plan"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
        }
        return render(request, "admin/ilo_plan/plan/import.html", context)

    def import_confirm_view(self, request):
        if not self.may_import(request):
            raise PermissionDenied(plan_file.IMPORT_REFUSAL)
        stored = request.session.get(SESSION_KEY)
        if request.method != "POST" or not stored:
            return redirect("admin:goals_plan_import")
        # Checked again: the database may have changed since the preview.
        report = plan_file.import_plan(base64.b64decode(stored["data"]), user=request.user)
        request.session.pop(SESSION_KEY, None)
        if not report.ok:
            for line in report.lines(limit=20):
                self.message_user(request, line, messages.ERROR)
            self.message_user(
                request, gettext("No se cargó nada: corrija el archivo y vuelva a subirlo."), messages.ERROR
            )
            return redirect("admin:goals_plan_import")
        self.message_user(request, f"{stored['name']}: {report.summary()}", messages.SUCCESS)
        return redirect("admin:goals_plan_change", report.plan.pk)

    def template_view(self, request):
        return xlsx_download(plan_file.plan_workbook(), "plantilla-plan.xlsx")

    def export_view(self, request, plan_id):
        plan = get_object_or_404(self.get_queryset(request), pk=plan_id)
        return xlsx_download(plan_file.plan_workbook(plan), f"plan-{plan.slug}.xlsx")


def xlsx_download(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(SiteSettings)
class SiteSettingsAdmin(SuperuserOnly, ReadOnlyHistory, SimpleHistoryAdmin):
    """One row: the list opens it directly; it cannot be added twice or deleted."""

    fields = ["publisher", "contact_email", "license_id", "license_title", "license_url"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if SiteSettings.objects.exists():
            return redirect("admin:ilo_plan_sitesettings_change", 1)
        return redirect("admin:ilo_plan_sitesettings_add")
