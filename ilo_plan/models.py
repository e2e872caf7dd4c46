"""The site's own settings: one row, edited in the admin, that no plan owns (the open data's
licence and publisher)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import VisibleText

CC_BY_4 = ("CC-BY-4.0", "Creative Commons Atribución 4.0 Internacional", "https://creativecommons.org/licenses/by/4.0/")


class SiteSettings(models.Model):
    """A singleton (always pk 1): `SiteSettings.load()` reads it, or gives the defaults (unsaved:
    reading never writes, so it never changes the data version)."""

    publisher = models.CharField(
        _("publicador de los datos"),
        max_length=200,
        validators=[VisibleText(_("publicador de los datos"))],
        blank=True,
        help_text=_("La entidad que publica los datos abiertos, por ejemplo «Municipalidad Provincial de …»."),
    )
    contact_email = models.EmailField(
        _("correo de contacto de los datos"),
        blank=True,
        help_text=_("A quién escribir sobre los datos abiertos; figura en data.json y en datapackage.json."),
    )
    license_id = models.CharField(
        _("licencia (identificador SPDX)"),
        max_length=60,
        default=CC_BY_4[0],
        help_text=_("Por ejemplo CC-BY-4.0, CC0-1.0 u ODbL-1.0 (https://spdx.org/licenses/)."),
    )
    license_title = models.CharField(
        _("nombre de la licencia"),
        max_length=200,
        validators=[VisibleText(_("nombre de la licencia"))],
        default=CC_BY_4[1],
    )
    license_url = models.URLField(_("dirección de la licencia"), default=CC_BY_4[2])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("configuración del sitio")
        verbose_name_plural = _("configuración del sitio")

    def __str__(self):
        return str(_("Configuración del sitio"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SiteSettings":
        return cls.objects.filter(pk=1).first() or cls()
