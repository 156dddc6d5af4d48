"""Places that are drawn, not computed: the zones an association works in."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class Zone(models.Model):
    """An area drawn in the admin; its moderators review the reports about
    content whose exact point lies inside it (found server side only)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    area = models.MultiPolygonField(_("area"), srid=4326)

    class Meta:
        db_table = "moderation_zone"  # moved from moderation, the table kept
        ordering = ["name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self):
        return self.name
