"""Text messages to and from basic phones: the neighbours without internet
whose conversations are carried by SMS, and volunteers' phone codes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    """A request of a neighbour without internet, carried by text: which
    conversation is on their phone now, and what a short answer means."""

    class State(models.TextChoices):
        # A response was texted as a proposal: YES accepts it, NO declines it.
        PROPOSING = "proposing", _("A helper was proposed by text")
        # No response to propose yet (or every one declined).
        WAITING = "waiting", _("Waiting for a neighbour to offer help")
        # A helper was accepted: texts go both ways; DONE closes the request.
        HELPING = "helping", _("The conversation with the helper is carried by text")
        # Done: a digit from 1 to 5 answers "Did this help?".
        FOLLOW_UP = "follow_up", _("Asked by text whether it helped")
        OVER = "over", _("Over")

    request = models.OneToOneField(
        "requests_board.HelpRequest", on_delete=models.CASCADE, related_name="sms_thread"
    )
    neighbour = models.ForeignKey(
        "relays.KeptNeighbour", on_delete=models.CASCADE, related_name="sms_threads"
    )
    conversation = models.ForeignKey(
        "chat.Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"texts for request {self.request_id}"


class Text(models.Model):
    """One text message, in or out. `phone` (E.164) is the neighbour's or
    the volunteer's: seen by the relay alone, erased with the neighbour."""

    class Direction(models.TextChoices):
        IN = "in", _("received")
        OUT = "out", _("sent")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("could not be sent")
        OVER_BUDGET = "over_budget", _("not sent: the site's texts for today are used up")
        OVER_CAP = "over_cap", _("not sent: this number's texts for today are used up")
        STOPPED = "stopped", _("not sent: the neighbour answered STOP")
        RECEIVED = "received", _("received")

    direction = models.CharField(max_length=3, choices=Direction.choices)
    status = models.CharField(max_length=12, choices=Status.choices)
    phone = models.CharField(max_length=20)
    body = models.TextField(max_length=2000)
    neighbour = models.ForeignKey(
        "relays.KeptNeighbour",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="texts_log",
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="texts"
    )
    # A volunteer's phone code (sms.verification): no neighbour, no thread.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The provider's id: of an outbound text once accepted; of an inbound
    # one as it arrived (the same id twice is stored once).
    provider_id = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=models.Q(direction="in"),
                name="inbound_text_once",
            )
        ]
        indexes = [
            models.Index(fields=["phone", "-created_at"], name="text_phone_created"),
            models.Index(fields=["provider_id"], name="text_provider_id"),
        ]

    def __str__(self):
        return f"text {self.pk} ({self.direction}, {self.status})"


class StoppedNumber(models.Model):
    """STOP: no text goes to this number again. Kept as a keyed hash, so the
    stop outlives the erasure of the number itself."""

    number_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"stopped number {self.pk}"


class PhoneCode(models.Model):
    """A code texted to a volunteer to verify their phone number: 6 digits,
    valid 10 minutes, 5 tries. Only its hash is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_code"
    )
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"phone code for {self.user_id}"
