from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.models import Zone


class Moderator(models.Model):
    """A user who reviews reports: in some zones, or everywhere."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator"
    )
    zones = models.ManyToManyField(Zone, blank=True, related_name="moderators")
    everywhere = models.BooleanField(
        _("every zone"), default=False, help_text=_("Also reports outside every zone.")
    )

    class Meta:
        verbose_name = _("moderator")
        verbose_name_plural = _("moderators")

    def __str__(self):
        return str(self.user)


class TargetType(models.TextChoices):
    REQUEST = "request", _("help request")
    OFFER = "offer", _("volunteer offer")
    MESSAGE = "message", _("message")
    USER = "user", _("neighbour")


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    SCAM = "scam", _("Scam or fraud")
    HARASSMENT = "harassment", _("Harassment or insults")
    UNSAFE = "unsafe", _("Unsafe or dangerous")
    PERSONAL_DATA = "personal_data", _("Personal data exposed")
    OTHER = "other", _("Something else")


class Report(models.Model):
    """Someone asks a moderator to look at a request, offer, message or user.
    Stored in the database alone, so no other service can lose it. A report
    with no reporter comes from the app itself (the personal-data check) or
    from an account since erased."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        CLOSED = "closed", _("Reviewed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_made",
    )
    target_type = models.CharField(max_length=10, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    # Whose content it is: for the author's history and the statement of reasons.
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_received",
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    # Every zone containing the content's exact point (zones may overlap: a
    # district inside a city), so that each of their moderators sees it.
    zones = models.ManyToManyField(Zone, blank=True, related_name="reports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="one_open_report_per_reporter_and_target",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="report_status_created"),
            models.Index(fields=["target_type", "target_id"], name="report_target"),
        ]

    def __str__(self):
        return f"{self.reason} on {self.target_type} {self.target_id}"


class ActionKind(models.TextChoices):
    DISMISS = "dismiss", _("Dismiss the reports")
    HIDE = "hide", _("Hide the content")
    RESTORE = "restore", _("Restore the content")
    WARN = "warn", _("Warn the author")
    SUSPEND = "suspend", _("Suspend the author")
    BAN = "ban", _("Ban the author")


# The decisions an author gets a statement of reasons for.
AGAINST_AUTHOR = (ActionKind.HIDE, ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN)


class AppendOnly(Exception):
    """The audit log is never changed, only added to."""


class ModerationAction(models.Model):
    """The audit log: who did what, on what, why, when. Append-only: the
    model refuses updates and deletes, and the admin shows it read-only."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moderator_name = models.CharField(max_length=60)
    action = models.CharField(max_length=10, choices=ActionKind.choices)
    target_type = models.CharField(max_length=10, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_actions",
    )
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    # The zone the moderator acted for: the most specific of the report's
    # zones that they moderate.
    zone = models.ForeignKey(Zone, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(max_length=2000)
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        return f"{self.action} {self.target_type} {self.target_id} by {self.moderator_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The moderation log is append-only.")
