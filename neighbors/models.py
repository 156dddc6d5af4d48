from datetime import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# How far a volunteer will walk (DESIGN.md: default 1 km, at most 3 km).
WALK_RADIUS_DEFAULT_M = 1000
WALK_RADIUS_MIN_M = 100
WALK_RADIUS_MAX_M = 3000

# Languages a neighbour may say they speak (ISO 639-1), shown in their own name.
SPOKEN_LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
    ("es", "Español"),
    ("pt", "Português"),
    ("it", "Italiano"),
    ("de", "Deutsch"),
    ("zh", "中文"),
    ("tr", "Türkçe"),
    ("ro", "Română"),
    ("pl", "Polski"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("wo", "Wolof"),
    ("ber", "Tamazight"),
    ("lsf", "Langue des signes française"),
]


class HelpCategory(models.Model):
    """A kind of help. Seeded in both languages (neighbors.categories)."""

    slug = models.SlugField(unique=True)
    name_en = models.CharField(max_length=80)
    name_fr = models.CharField(max_length=80)
    icon = models.CharField(max_length=16, blank=True, help_text=_("An emoji shown on the map."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "requests_board_helpcategory"  # moved from requests_board, the table kept
        ordering = ["position", "slug"]
        verbose_name = _("help category")
        verbose_name_plural = _("help categories")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if (get_language() or "").startswith("fr") else self.name_en


class UserManager(BaseUserManager):
    def restricted(self):
        """Users under a sanction now: their posts are out of sight."""
        return self.filter(
            models.Q(banned_at__isnull=False) | models.Q(suspended_until__gt=timezone.now())
        )

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A resident. Signs in with their email. `home` is exact and private."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=60)
    home = models.PointField(_("home"), geography=True, srid=4326, null=True, blank=True)
    # Stored, not computed per query, so that it can be indexed (DESIGN.md).
    home_public = models.PointField(geography=True, srid=4326, null=True, blank=True)
    walk_radius_m = models.PositiveIntegerField(
        _("how far you will walk (metres)"),
        default=WALK_RADIUS_DEFAULT_M,
        validators=[
            MinValueValidator(WALK_RADIUS_MIN_M),
            MaxValueValidator(WALK_RADIUS_MAX_M),
        ],
    )
    skills = models.ManyToManyField(HelpCategory, blank=True, related_name="skilled_users")
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    email_notifications = models.BooleanField(
        _("also tell me by email when a neighbour near me needs help"), default=False
    )
    # On by default: a requester who posted and put her phone down must hear
    # that someone offered to help (every such email has a link to stop them).
    email_my_requests = models.BooleanField(
        _("tell me by email when a neighbour answers my request or accepts my help"),
        default=True,
    )
    # The language emails are written in: the one used to sign up, then the
    # last one chosen with the language switch.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # How each kind of notification reaches this person (neighbors.notify):
    # {"response": "push" | "email" | "both" | "none", ...}; a kind not set
    # follows the two email switches above, with push on.
    notify_kinds = models.JSONField(default=dict, blank=True)
    # No push between these (in `time_zone`), unless urgent and allowed.
    quiet_start = models.TimeField(null=True, blank=True, default=time(21, 0))
    quiet_end = models.TimeField(null=True, blank=True, default=time(8, 0))
    urgent_in_quiet_hours = models.BooleanField(default=False)
    # Off: pushes say "A neighbour needs help" without the request's title.
    lock_screen_titles = models.BooleanField(default=True)
    # One email a day with what happened, instead of one email each time.
    email_digest = models.BooleanField(default=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=60, default=settings.TIME_ZONE)
    # A volunteer's phone number (E.164), once verified by a texted code
    # (sms.verification): never shown to anyone else; requesters see
    # "phone verified".
    phone = models.CharField(max_length=20, blank=True, default="")
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Moderation sanctions (moderation.services): a suspended or banned user
    # can still sign in and read, but not post, respond or send messages.
    suspended_until = models.DateTimeField(null=True, blank=True, db_index=True)
    banned_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("neighbour")
        verbose_name_plural = _("neighbours")

    def __str__(self):
        return self.display_name or self.email

    @property
    def is_restricted(self) -> bool:
        """Suspended now, or banned."""
        return self.banned_at is not None or (
            self.suspended_until is not None and self.suspended_until > timezone.now()
        )


class HomeMove(models.Model):
    """One change of a user's home, kept to rate-limit moves (a probing vector)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="home_moves")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
