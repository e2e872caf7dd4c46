"""Personal API tokens (django-rest-knox): each person creates, sees and revokes only their own.

The database keeps a SHA-512 digest and the first characters of each token (its prefix); the token
itself is shown once, on the page that created it. Every token expires."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth
from knox.models import AuthToken
from rest_framework import exceptions

# Enough for a few scripts and machines per person; more usually means forgotten tokens.
MAX_LIVE_TOKENS = 10


class TokenAuthentication(auth.TokenAuthentication):
    """knox's authentication, answering 401 rather than 500 to a key that is not ASCII text."""

    def authenticate_credentials(self, token):
        try:
            token.decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Token no válido.")) from error
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "ilo_plan.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Token personal en la cabecera `Authorization: Token <clave>`. Cada persona del personal o "
                "auditor lo crea, lo ve una sola vez y lo revoca en /admin/tokens/; vence a los "
                f"{settings.API_TOKEN_DAYS} días como máximo. Un token vencido o revocado recibe 401."
            ),
        }


def live_tokens(user):
    return AuthToken.objects.filter(user=user).exclude(expiry__lt=timezone.now())


def too_many_tokens(user) -> str:
    """Why `user` may not create another token now, or "" when they may."""
    if live_tokens(user).count() >= MAX_LIVE_TOKENS:
        return _("Ya tiene %(count)s tokens vigentes: revoque los que no use antes de crear otro.") % {
            "count": MAX_LIVE_TOKENS
        }
    return ""


def create_token(user, days: int) -> tuple[AuthToken, str]:
    """A new token of `user` valid `days` days: the stored row and the only copy of the key. The
    creation is recorded in the admin's log (who, when, which prefix, until when). ValidationError
    when `user` already has MAX_LIVE_TOKENS live ones: counted and inserted while the user's row is
    locked, so concurrent creations queue and the last ones are refused."""
    with transaction.atomic():
        get_user_model().objects.select_for_update(no_key=True).values_list("pk").get(pk=user.pk)
        if refusal := too_many_tokens(user):
            raise forms.ValidationError(refusal)
        token, key = AuthToken.objects.create(user=user, expiry=timedelta(days=days))
        _record(user, token, ADDITION, f"Token creado; vence el {timezone.localtime(token.expiry):%Y-%m-%d %H:%M}.")
    return token, key


def revoke_token(user, prefix: str) -> bool:
    """Delete `user`'s token with this prefix, recorded in the admin's log; False when `user` has
    none (someone else's is never touched)."""
    with transaction.atomic():
        tokens = list(AuthToken.objects.select_for_update().filter(user=user, token_key=prefix))
        for token in tokens:
            _record(user, token, DELETION, "Token revocado por su titular.")
        deleted, _ = AuthToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    return bool(deleted)


def _record(actor, token: AuthToken, flag: int, message: str) -> None:
    """An entry of the admin's log, as the admin writes for its own changes; the repr names the
    token by its prefix (never its digest) and its owner, who is the actor: people create and
    revoke only their own tokens here."""
    LogEntry.objects.create(
        user_id=actor.pk,
        content_type_id=ContentType.objects.get_for_model(AuthToken).pk,
        object_id=str(token.pk),
        object_repr=f"Token {token.token_key}… de {actor.get_username()}"[:200],
        action_flag=flag,
        change_message=message,
    )


class TokenForm(forms.Form):
    days = forms.TypedChoiceField(label="Vigencia", coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        longest = settings.API_TOKEN_DAYS
        choices = sorted({d for d in (7, 30) if d < longest} | {longest})
        self.fields["days"].choices = [
            (d, ngettext("%(count)s día", "%(count)s días", d) % {"count": d}) for d in choices
        ]
        self.fields["days"].initial = longest

    def clean(self):
        # Answered early here; create_token decides again under the lock.
        if refusal := too_many_tokens(self.user):
            raise forms.ValidationError(refusal)
        return super().clean()


def tokens_page(request):
    """Create (shown once), list by prefix and revoke one's own API tokens."""
    user = request.user
    created = None
    form = TokenForm(user=user)
    if request.method == "POST" and "revoke" in request.POST:
        prefix = request.POST["revoke"]
        if revoke_token(user, prefix):
            messages.success(request, _("Token %(prefix)s… revocado: ya no abre la API.") % {"prefix": prefix})
        else:
            messages.error(request, _("No tiene ningún token con ese prefijo."))
        return redirect("api-tokens")
    if request.method == "POST":
        form = TokenForm(request.POST, user=user)
        if form.is_valid():
            try:
                created = create_token(user, form.cleaned_data["days"])
            except forms.ValidationError as refused:
                form.add_error(None, refused)
            else:
                form = TokenForm(user=user)
    context = {
        **admin.site.each_context(request),
        "title": _("Mis tokens de la API"),
        "form": form,
        "created": created,
        "tokens": AuthToken.objects.filter(user=user).order_by("-created"),
        "now": timezone.now(),
    }
    # The page that shows a new key is never stored by a browser or proxy (admin_view adds no-store).
    return render(request, "admin/tokens.html", context)
