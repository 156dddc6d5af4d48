"""Relays and the neighbours they keep: people without internet, for whom a
trusted volunteer or an association worker posts and follows requests."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.phones import phone_shown


class Relay(models.Model):
    """The relay role, per zone: named by a moderator of the zone, an
    administrator, or `manage.py relay add EMAIL --zone NAME`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="relay"
    )
    zones = models.ManyToManyField("geo.Zone", related_name="relays")
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("relay")
        verbose_name_plural = _("relays")

    def __str__(self):
        return str(self.user)


class ConsentHow(models.TextChoices):
    PHONE = "phone", _("by phone")
    IN_PERSON = "in_person", _("in person")
    WRITING = "writing", _("in writing")


class KeptNeighbour(models.Model):
    """A neighbour without internet, kept by one relay with their consent.
    `place` is exact and private, like a home; `phone` (E.164) is seen by
    the relay alone. Withdrawing the consent erases the row and what hangs
    on it (data_rights.services.kept_neighbour_erase)."""

    relay = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kept_neighbours"
    )
    first_name = models.CharField(_("first name"), max_length=60)
    phone = models.CharField(_("phone number"), max_length=20, blank=True, default="")
    # Null once the retention period after their last request has passed.
    place = models.PointField(geography=True, srid=4326, null=True, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    # Their requests' conversations are carried by SMS (with a phone number
    # and the bridge configured).
    texts = models.BooleanField(_("carry the conversations by text message"), default=False)
    consent_given_at = models.DateField(_("consent given on"))
    consent_how = models.CharField(_("consent given"), max_length=12, choices=ConsentHow.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_name", "pk"]
        constraints = [
            # Texts from a number reach one relay: the one who keeps it.
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="kept_phone_once"
            )
        ]
        verbose_name = _("neighbour without internet")
        verbose_name_plural = _("neighbours without internet")

    def __str__(self):
        return self.first_name

    @property
    def phone_shown(self) -> str:
        """The number as it is usually written, for the relay's eyes."""
        return phone_shown(self.phone)
