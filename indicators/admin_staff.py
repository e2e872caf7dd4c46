"""The staff of an entity, on one page its administrador manages without a superuser: add a person
with their offices and roles, change them, deactivate them. A new person gets an invitation link
to choose their own password (nobody else ever knows it). A superuser adds an entity's first
administrador here the same way.

Every change is kept: the person's membership in its history, their offices in each office's
history, and their roles and offices before and after in the admin's log."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import format_html
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyHistory
from core.admin_base import NoDeleteMixin
from core.models import Entity, Membership

from . import access
from .models import Office

ROLE_CHOICES = [(role, f"{role.capitalize()}: {access.ROLE_DESCRIPTIONS[role]}") for role in access.ENTITY_ROLES]


class StaffForm(forms.ModelForm):
    """One person of the entity: their account, roles and offices."""

    username = forms.RegexField(
        label=_("usuario"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Con el que entra a la administración: letras, dígitos y @ . + - _"),
    )
    first_name = forms.CharField(label=_("nombres"), max_length=150, required=False)
    last_name = forms.CharField(label=_("apellidos"), max_length=150, required=False)
    email = forms.EmailField(label=_("correo"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    offices = forms.ModelMultipleChoiceField(
        label=_("oficinas"),
        queryset=Office.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Registradores y revisores trabajan los indicadores de estas oficinas."),
    )
    is_active = forms.BooleanField(
        label=_("activo"), required=False, initial=True, help_text=_("Desmarcado: ya no entra a la administración.")
    )

    class Meta:
        model = Membership
        fields = ["entity"]

    def __init__(self, *args, entity=None, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.instance.user if self.instance.pk else None
        entity = self.instance.entity if self.instance.pk else entity
        if entity is not None:
            self.fields["offices"].queryset = Office.objects.filter(entity=entity).order_by("name")
        else:
            self.fields["offices"].help_text = _("Las oficinas de la entidad se eligen después de guardar.")
        if person is not None:
            self.fields["username"].disabled = True
            for name in ("username", "first_name", "last_name", "email", "is_active"):
                self.initial[name] = getattr(person, name)
            self.initial["roles"] = [
                g for g in person.groups.values_list("name", flat=True) if g in access.ENTITY_ROLES
            ]
            self.initial["offices"] = list(person.offices.filter(entity=entity).values_list("pk", flat=True))
        if "entity" in self.fields:
            self.fields["entity"].queryset = Entity.objects.order_by("ubigeo")

    def clean_username(self):
        username = self.cleaned_data["username"]
        taken = get_user_model().objects.filter(username__iexact=username)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.user_id)
        if taken.exists():
            raise forms.ValidationError(_("Ya hay una persona con ese usuario: elija otro."))
        return username

    def save_person(self, entity) -> tuple[object, dict]:
        """Save the person, their roles and offices; what each was before and is now."""
        data = self.cleaned_data
        User = get_user_model()
        person = self.instance.user if self.instance.pk else User(username=data["username"], is_staff=True)
        before = describe(person, entity) if person.pk else None
        for name in ("first_name", "last_name", "email", "is_active"):
            setattr(person, name, data[name])
        if person.pk is None:
            person.set_unusable_password()  # chosen by the person from their invitation
        person.save()
        kept = [g for g in person.groups.all() if g.name not in access.ENTITY_ROLES]
        person.groups.set(kept + [Group.objects.get_or_create(name=role)[0] for role in data["roles"]])
        wanted = set(data["offices"])
        for office in Office.objects.filter(entity=entity):
            if office in wanted:
                office.members.add(person)
            else:
                office.members.remove(person)
        return person, {"before": before, "after": describe(person, entity)}


def describe(person, entity) -> str:
    roles = ", ".join(sorted(g for g in person.groups.values_list("name", flat=True) if g in access.ENTITY_ROLES))
    offices = ", ".join(person.offices.filter(entity=entity).order_by("code").values_list("code", flat=True))
    active = "" if person.is_active else "; inactivo"
    return f"roles: {roles or '—'}; oficinas: {offices or '—'}{active}"


def invitation_url(request, person) -> str:
    """The one-time address where `person` chooses their password (valid until they do, or for
    PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return request.build_absolute_uri(reverse("staff-invitation", args=[uid, token]))


@admin.register(Membership)
class StaffAdmin(ReadOnlyHistory, NoDeleteMixin, SimpleHistoryAdmin):
    form = StaffForm
    change_form_template = "admin/core/membership/change_form.html"
    list_display = ["username", "full_name", "entity", "roles", "offices", "is_active"]
    list_select_related = ["user", "entity"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    ordering = ["user__username"]

    # --- who: an entity's administrador for its own staff, and superusers ---

    def has_module_permission(self, request):
        return access.is_entity_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_entity_admin(request.user)

    def has_add_permission(self, request):
        return access.is_entity_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_entity_admin(request.user)

    def get_queryset(self, request):
        # The middleware's scope keeps an administrador to their entity; superusers' own accounts
        # are not an entity's to change.
        staff = (
            super()
            .get_queryset(request)
            .select_related("user", "entity")
            .prefetch_related("user__groups", "user__offices")
        )
        return staff if request.user.is_superuser else staff.exclude(user__is_superuser=True)

    def get_fields(self, request, obj=None):
        fields = ["username", "first_name", "last_name", "email", "roles", "offices", "is_active"]
        return (["entity"] if request.user.is_superuser and obj is None else []) + fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        entity = Entity.objects.filter(pk=access.entity_id(request.user)).first()

        class ForTheirEntity(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, entity=entity, **kw)

        return ForTheirEntity

    def get_autocomplete_fields(self, request):
        return ["entity"] if request.user.is_superuser else []

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        entity = obj.entity if obj.entity_id else Entity.objects.get(pk=access.entity_id(request.user))
        if not request.user.is_superuser and entity.pk != access.entity_id(request.user):
            raise PermissionDenied
        person, delta = form.save_person(entity)
        obj.user, obj.entity = person, entity
        obj._history_user = request.user
        obj.save()
        request._staff_delta = delta

    def construct_change_message(self, request, form, formsets, add=False):
        delta = getattr(request, "_staff_delta", None)
        if not delta:
            return super().construct_change_message(request, form, formsets, add)
        if add:
            return gettext("Agregado con %(after)s.") % delta
        return gettext("Antes: %(before)s. Ahora: %(after)s.") % delta

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.send_invitation(request, obj.user)
        return response

    def send_invitation(self, request, person):
        link = invitation_url(request, person)
        self.message_user(
            request,
            format_html(
                "{} <a href='{}'>{}</a>",
                gettext("Entregue a %(name)s este enlace de invitación, de un solo uso, para que elija su contraseña:")
                % {"name": person.get_full_name() or person.username},
                link,
                link,
            ),
            messages.SUCCESS,
        )

    def response_change(self, request, obj):
        if "_invitation" in request.POST:
            self.send_invitation(request, obj.user)
        return super().response_change(request, obj)

    # --- the list ---

    @admin.display(description=_("usuario"), ordering="user__username")
    def username(self, obj):
        return obj.user.username

    @admin.display(description=_("nombre"))
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(sorted(g.name for g in obj.user.groups.all() if g.name in access.ENTITY_ROLES))

    @admin.display(description=_("oficinas"))
    def offices(self, obj):
        return ", ".join(sorted(o.code for o in obj.user.offices.all() if o.entity_id == obj.entity_id))

    @admin.display(description=_("activo"), boolean=True)
    def is_active(self, obj):
        return obj.user.is_active
