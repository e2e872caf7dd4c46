"""The tenants: every government of Peru that files a plan de gobierno (an `Entity`), and which
entity each staff member works for (`Membership`).

This is the bottom app: it knows nothing of offices, indicators or plans, which belong to an
entity from the apps above (`core.scoping` keeps each entity's staff inside its own records)."""

import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .scoping import EntityOwned, EntityScopedManager
from .text import VisibleText

ubigeo_validator = RegexValidator(r"^(\d{2}|\d{4}|\d{6})$", _("El ubigeo del INEI tiene 2, 4 o 6 dígitos."))


class EntityKind(models.TextChoices):
    REGION = "region", _("Gobierno regional")
    PROVINCE = "provincial", _("Municipalidad provincial")
    DISTRICT = "distrital", _("Municipalidad distrital")


# How the title of each kind of entity reads: "Municipalidad Provincial de <place>".
TITLE_PREFIX = {
    EntityKind.REGION: _("Gobierno Regional de %(place)s"),
    EntityKind.PROVINCE: _("Municipalidad Provincial de %(place)s"),
    EntityKind.DISTRICT: _("Municipalidad Distrital de %(place)s"),
}
KIND_BY_LENGTH = {2: EntityKind.REGION, 4: EntityKind.PROVINCE, 6: EntityKind.DISTRICT}


class EntityQuerySet(models.QuerySet):
    def search(self, text: str):
        """Entities whose ubigeo starts with `text` (digits) or whose names hold it."""
        text = " ".join((text or "").split())[:80]
        if not text:
            return self.none()
        if text.isdigit():
            return self.filter(ubigeo__startswith=text)
        words = Q()
        for word in text.split():
            words &= Q(search_text__contains=fold(word))
        return self.filter(words)

    def within(self, ubigeo: str):
        """The entities of a department or province (its own government excluded)."""
        return self.filter(ubigeo__startswith=ubigeo).exclude(ubigeo=ubigeo)


class EntityManager(models.Manager.from_queryset(EntityQuerySet)):
    def get_by_natural_key(self, ubigeo):
        return self.get(ubigeo=ubigeo)


class Entity(models.Model):
    """A government that files a plan de gobierno: a gobierno regional (ubigeo of 2 digits), a
    municipalidad provincial (4) or distrital (6). Its offices, indicators, staff and plans are its
    own; the reference list of every entity ships with the product (`core/data/`)."""

    ubigeo = models.CharField(_("ubigeo"), max_length=6, unique=True, validators=[ubigeo_validator])
    kind = models.CharField(_("tipo"), max_length=10, choices=EntityKind.choices)
    name = models.CharField(
        _("nombre del lugar"),
        max_length=100,
        validators=[VisibleText(_("nombre del lugar"))],
        help_text=_("Como lo escribe la lista del INEI cargada (load_entities); no se cambia a mano."),
    )
    display_name = models.CharField(
        _("nombre mostrado"),
        max_length=150,
        validators=[VisibleText(_("nombre mostrado"))],
        blank=True,
        help_text=_(
            "Vacío: «Municipalidad Provincial de …» con el nombre del lugar tal como lo escribe la fuente. "
            "Escríbalo para corregirlo (tildes, «Municipalidad Metropolitana de Lima»)."
        ),
    )
    department = models.CharField(_("departamento"), max_length=100, validators=[VisibleText(_("departamento"))])
    province = models.CharField(_("provincia"), max_length=100, validators=[VisibleText(_("provincia"))], blank=True)
    # Lowercase, without accents: names, department and province, for a search that forgives them.
    search_text = models.CharField(max_length=400, editable=False, db_index=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = EntityManager()

    class Meta:
        verbose_name = _("entidad")
        verbose_name_plural = _("entidades")
        ordering = ["ubigeo"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EntityKind.values),
                name="entity_kind_valid",
                violation_error_message=_("Tipo de entidad no válido."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join([self.name, self.display_name, self.province, self.department]))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.ubigeo,)

    @property
    def title(self) -> str:
        """How the site names the entity: its corrected name, else the kind's title with the place
        as the source writes it."""
        if self.display_name:
            return self.display_name
        return str(TITLE_PREFIX[self.kind]) % {"place": self.name}

    @property
    def department_ubigeo(self) -> str:
        return self.ubigeo[:2]

    @property
    def province_ubigeo(self) -> str | None:
        return self.ubigeo[:4] if len(self.ubigeo) >= 4 else None


class Membership(EntityOwned):
    """The entity a staff member works for: one each. Superusers stand above the entities and
    have none; so may a national auditor (the auditor role without an entity sees every entity).
    Roles come from the person's groups, offices from `Office.members`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="membership"
    )
    entity = models.ForeignKey(Entity, verbose_name=_("entidad"), on_delete=models.PROTECT, related_name="memberships")
    history = HistoricalRecords()

    objects = EntityScopedManager("entity")

    class Meta:
        verbose_name = _("personal de la entidad")
        verbose_name_plural = _("personal de la entidad")

    def __str__(self):
        return f"{self.user.get_username()} ({self.entity})"


def fold(text: str) -> str:
    """Lowercase without accents or extra spaces, for comparing as people read ("Áncash" = "ancash")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


class DataVersion(models.Model):
    """A counter of changes, one row per scope of what changed: `plan:<id>` for what a plan's
    public pages show, `shared` for what every plan shows (the unit catalogue, the directory of
    entities, the site's settings), `office:<id>` for the staff's work in an office (drafts,
    submissions, rejections: never public). Caches, ETags and open-data packages key on the
    counters of their scope (`core.versions`), so a change of one plan leaves every other plan's
    as it was, and writes to different plans never wait on one row."""

    scope = models.CharField(_("ámbito"), max_length=40, unique=True)
    counter = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("versión de los datos")
        verbose_name_plural = _("versiones de los datos")

    def __str__(self):
        return f"{self.scope}: {self.counter} ({self.changed_at:%Y-%m-%d %H:%M})"
