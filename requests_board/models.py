from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neighbors.models import HelpCategory


class Urgency(models.TextChoices):
    LOW = "low", _("When possible")
    NORMAL = "normal", _("This week")
    HIGH = "high", _("Today")


class PartOfDay(models.TextChoices):
    ANY = "", _("Any time")
    MORNING = "morning", _("In the morning")
    AFTERNOON = "afternoon", _("In the afternoon")
    EVENING = "evening", _("In the evening")


class HelpRequest(models.Model):
    """A resident asks for a hand. `location` is exact and private; see geo.privacy."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Matched")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    # Null once the author erased their account: what is left is an
    # anonymous row (no text, no exact point) that impact figures count.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="help_requests"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    category = models.ForeignKey(HelpCategory, on_delete=models.PROTECT, related_name="requests")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    # The exact meeting point. Some time after the request closes
    # (RETENTION_MEETING_POINT_DAYS), and when its author erases their
    # account, it is overwritten with the public point (exact_deleted):
    # SpatiaLite cannot make a geometry column nullable after the fact.
    location = models.PointField(geography=True, srid=4326)
    public_location = models.PointField(geography=True, srid=4326)
    exact_deleted = models.BooleanField(default=False)
    # The meeting place in words, private like `location` and erased with it:
    # the address found for the point (services.requests.meeting_address_fill,
    # in the background) and the author's note ("in front of the pharmacy").
    meeting_address = models.CharField(max_length=300, blank=True, default="")
    meeting_note = models.CharField(
        _("note about the place"), max_length=200, blank=True, default=""
    )
    # The moderation zone holding the exact point, found when it is set: impact
    # figures per zone outlive the point itself.
    zone = models.ForeignKey(
        "geo.Zone", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    # The day the help is for, and the last day it is of use (by default the
    # same day): the request expires after `needed_by`.
    needed_on = models.DateField(_("day"), null=True, blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    part_of_day = models.CharField(
        _("part of the day"), max_length=10, choices=PartOfDay.choices, default="", blank=True
    )
    max_distance_m = models.PositiveIntegerField(null=True, blank=True)
    # "Ask Louise": a request addressed first to one volunteer's offer; the
    # waves wait until `addressed_until` (DIRECT_REQUEST_MINUTES) unless she
    # answers or says she cannot before.
    addressed_to = models.ForeignKey(
        "VolunteerOffer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_requests",
    )
    addressed_until = models.DateTimeField(null=True, blank=True)
    # Posted by a relay (the author) for a neighbour without internet, from
    # the neighbour's place; the public sees "posted by a relay for a neighbour".
    on_behalf_of = models.ForeignKey(
        "relays.KeptNeighbour",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helping_requests",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    matched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Out of sight until a moderator restores it (reports, moderation.services).
    hidden = models.BooleanField(default=False)
    # Where the map's counts hold this post (its public point then), or null
    # when it is not counted: requests_board.visibility keeps it in step.
    map_point = models.PointField(srid=4326, null=True, blank=True, spatial_index=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="helprequest_status_created"),
            models.Index(fields=["status", "expires_at"], name="helprequest_status_expires"),
        ]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")

    def __str__(self):
        return self.title


# A request in one of these is over: it leaves the map and, after the
# retention periods, loses its meeting point and its messages.
CLOSED_STATUSES = [
    HelpRequest.Status.DONE,
    HelpRequest.Status.CANCELLED,
    HelpRequest.Status.EXPIRED,
]


class VolunteerOffer(models.Model):
    """A volunteer's standing offer of help. Placed at the volunteer's (public) home."""

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers"
    )
    categories = models.ManyToManyField(HelpCategory, related_name="offers")
    radius_m = models.PositiveIntegerField(default=1000)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    location = models.PointField(geography=True, srid=4326)
    public_location = models.PointField(geography=True, srid=4326)
    is_active = models.BooleanField(default=True)
    hidden = models.BooleanField(default=False)
    # Where the map's counts hold this post (its public point then), or null
    # when it is not counted: requests_board.visibility keeps it in step.
    map_point = models.PointField(srid=4326, null=True, blank=True, spatial_index=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("volunteer offer")
        verbose_name_plural = _("volunteer offers")

    def __str__(self):
        return f"{self.volunteer} ({self.radius_m} m)"


class Response(models.Model):
    """A volunteer offers help on a request; the requester may accept one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not chosen")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="responses")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    message = models.TextField(_("message"), max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"], name="one_response_per_volunteer"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} -> {self.request}"


class Notification(models.Model):
    """Something for a user to see in the app (and by email if they opted in)."""

    class Kind(models.TextChoices):
        NEW_REQUEST = "new_request", _("A neighbour near you needs help")
        NEW_RESPONSE = "new_response", _("A neighbour offers to help you")
        ACCEPTED = "accepted", _("Your offer of help was accepted")
        CLOSED = "closed", _("A request you answered is closed")
        MODERATION = "moderation", _("A moderator acted on something of yours")
        REPORT_OUTCOME = "report_outcome", _("A report you made was reviewed")
        FOLLOW_UP = "follow_up", _("Did this help? One question")
        DIRECT_REQUEST = "direct_request", _("A neighbour asks you directly")
        DIRECT_DECLINED = "direct_declined", _("The volunteer you asked cannot this time")
        # For relays (the sms app): what happened to a neighbour's texts.
        TEXTS_STOPPED = "texts_stopped", _("A neighbour you keep answered STOP: no more texts")
        TEXT_NOT_SENT = "text_not_sent", _("A text to a neighbour you keep was not sent")
        TEXT_RECEIVED = "text_received", _("A neighbour you keep sent a text")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_created")]

    def __str__(self):
        return f"{self.kind} for {self.user_id}"


class MapCell(models.Model):
    """How many open requests (or active offers) have their public point in a
    grid cell, per level. Kept current by requests_board.visibility as
    posts open and close, so low-zoom maps read counts instead of clustering a city's points."""

    level = models.PositiveSmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    kind = models.CharField(max_length=10)
    count = models.IntegerField(default=0)
    sum_lat = models.FloatField(default=0)
    sum_lng = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "kind", "x", "y"], name="mapcell_unique")
        ]


class FollowUp(models.Model):
    """The one question after a request is done: "Did this help?" (1-5).
    Answers outlive the account that gave them, anonymously (user is nulled)."""

    class Role(models.TextChoices):
        REQUESTER = "requester", _("asked for help")
        HELPER = "helper", _("helped")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="follow_ups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="follow_ups"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(max_length=1000, blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="one_follow_up_per_person"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="follow_up_score_1_to_5",
            ),
        ]

    def __str__(self):
        return f"follow-up {self.pk} on {self.request_id}"
