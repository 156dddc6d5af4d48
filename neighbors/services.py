"""Writes for neighbours: sign-up, profile, home."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from common.text import texts_check
from geo.privacy import public_point
from neighbors import notify
from neighbors.models import SPOKEN_LANGUAGES, HomeMove, User
from neighbors.selectors import EMAIL_STOP_SALT
from neighbors.signals import home_moved

UNSET = object()


def user_signup_check(*, email: str, password: str, display_name: str) -> tuple[str, str]:
    """The rules of a sign-up, for the API and the web form alike: raises one
    ValidationError with a list of messages per field (`email`,
    `display_name`, `password`); returns the normalised email and name. A
    taken address has the code `email_taken`: the web form answers it
    without telling (allauth's enumeration prevention), the API refuses."""
    texts_check(email=email, display_name=display_name)
    email = User.objects.normalize_email(email)
    display_name = display_name.strip()
    errors = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [
            ValidationError(_("An account already uses this email address."), code="email_taken")
        ]
    if not display_name:
        errors["display_name"] = [_("Tell your neighbours what to call you.")]
    try:
        validate_password(password, User(email=email, display_name=display_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return email, display_name


def user_signup(
    *,
    email: str,
    password: str,
    display_name: str,
    request=None,
    send_verification: bool = True,
    language: str | None = None,
) -> User:
    """Creates an account and its (primary, unverified) address, and sends
    allauth's verification email when there is a request. The web sign-up
    passes `send_verification=False`: allauth's login stage that follows
    sends the code itself, and a second one would replace the first."""
    email, display_name = user_signup_check(
        email=email, password=password, display_name=display_name
    )
    with transaction.atomic():
        user = User.objects.create_user(
            email, password, display_name=display_name, language=language_supported(language)
        )
        address = EmailAddress.objects.add_email(
            request,
            user,
            email,
            confirm=send_verification and request is not None,
            signup=True,
        )
        # The one address, the one to sign in with (allauth's own sign-up
        # marks it so too).
        address.primary = True
        address.save(update_fields=["primary"])
    return user


def language_supported(language: str | None) -> str:
    """`language` if the site speaks it (its base: "fr-CA" is "fr"), else the default."""
    base = (language or "").split("-")[0].lower()
    return base if base in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def user_language_set(*, user: User, language: str) -> None:
    """The language the person chose (the switch in every page's header)."""
    language = language_supported(language)
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


def user_api_token(*, user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def user_home_set(*, user: User, home: Point | None, rate_limited: bool = True) -> bool:
    """Moves (or clears) a home; returns whether it changed. Moves are rate
    limited: each one lets an attacker watch what appears and disappears
    around a new position."""
    if home is None:
        moved = user.home is not None
        user.home = None
        user.home_public = None
        return moved
    if user.home is not None and user.home.equals_exact(home, tolerance=1e-9):
        return False
    since = timezone.now() - timedelta(days=1)
    recent_moves = user.home_moves.filter(created_at__gte=since).count()
    if rate_limited and recent_moves >= settings.HOME_MOVES_PER_DAY:
        raise ValidationError(
            {
                "home": [
                    _(
                        "You have moved your home %(count)d times today. "
                        "Try again tomorrow, or ask an administrator."
                    )
                    % {"count": settings.HOME_MOVES_PER_DAY}
                ]
            }
        )
    user.home = home
    user.home_public = public_point(home, identity=f"home:{user.pk}")
    HomeMove.objects.create(user=user)
    return True


@transaction.atomic
def user_home_move_by_staff(*, user: User, home: Point | None, save) -> None:
    """A home changed in the admin: no rate limit, but the public point, the
    offers and the map counts follow, as for a move by its owner. `save`
    stores the rest of the admin's form."""
    moved = user_home_set(user=user, home=home, rate_limited=False)
    save()
    if moved:
        home_moved.send(sender=User, user=user)


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    display_name=UNSET,
    home=UNSET,
    walk_radius_m=UNSET,
    skills=UNSET,
    languages=UNSET,
    email_notifications=UNSET,
    email_my_requests=UNSET,
) -> User:
    """Updates the given fields only; on any error nothing is saved."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if display_name is not UNSET:
        texts_check(display_name=display_name)
        display_name = display_name.strip()
        if not display_name:
            raise ValidationError({"display_name": [_("This field cannot be blank.")]})
        user.display_name = display_name
    if walk_radius_m is not UNSET:
        user.walk_radius_m = walk_radius_m
    # The two email switches speak for the kinds they cover: a choice made
    # kind by kind before gives way to them (neighbors.notify).
    if email_notifications is not UNSET:
        user.email_notifications = bool(email_notifications)
        user.notify_kinds.pop("new_request", None)
    if email_my_requests is not UNSET:
        user.email_my_requests = bool(email_my_requests)
        for kind in notify.KINDS[1:]:
            user.notify_kinds.pop(kind, None)
    if languages is not UNSET:
        known = {code for code, _name in SPOKEN_LANGUAGES}
        unknown = [code for code in languages if code not in known]
        if unknown:
            raise ValidationError({"languages": [_("Unknown language: %s") % ", ".join(unknown)]})
        user.languages = list(dict.fromkeys(languages))
    moved = home is not UNSET and user_home_set(user=user, home=home)
    user.full_clean(exclude=["password", "skills"])
    user.save()
    if moved:
        home_moved.send(sender=User, user=user)
    if skills is not UNSET:
        user.skills.set(skills)
    return user


def email_stop_url(user) -> str:
    """The link, in every notification email, that stops them."""
    token = signing.dumps(user.pk, salt=EMAIL_STOP_SALT, compress=True)
    return settings.SITE_URL + reverse("neighbors:email-stop", args=[token])


@transaction.atomic
def user_email_stop(*, user: User) -> None:
    """Turns off every notification email of `user` (the emails of the
    account itself, such as a password reset, still go)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.email_notifications = user.email_my_requests = False
    user.email_digest = False
    user.notify_kinds = {
        kind: "push" if notify.wants(user, kind, "push") else "none" for kind in notify.KINDS
    }
    user.save(
        update_fields=["email_notifications", "email_my_requests", "email_digest", "notify_kinds"]
    )


@transaction.atomic
def notify_settings_update(
    *,
    user: User,
    kinds=UNSET,
    quiet_hours=UNSET,
    urgent_in_quiet_hours=UNSET,
    lock_screen_titles=UNSET,
    digest=UNSET,
    time_zone=UNSET,
) -> User:
    """PATCH /api/v1/me/notifications and the notifications page: the given
    fields only; on any error, nothing changes."""
    user = User.objects.select_for_update().get(pk=user.pk)
    errors = {}
    if kinds is not UNSET:
        if not isinstance(kinds, dict) or any(
            k not in notify.KINDS or v not in notify.CHANNELS for k, v in kinds.items()
        ):
            errors["kinds"] = [
                _("Each kind (%(kinds)s) is one of push, email, both or none.")
                % {"kinds": ", ".join(notify.KINDS)}
            ]
        else:
            user.notify_kinds = {**user.notify_kinds, **kinds}
    if quiet_hours is not UNSET:
        if quiet_hours is None:
            user.quiet_start = user.quiet_end = None
        else:
            start = (
                notify.parse_hhmm(quiet_hours.get("start"))
                if isinstance(quiet_hours, dict)
                else None
            )
            end = (
                notify.parse_hhmm(quiet_hours.get("end")) if isinstance(quiet_hours, dict) else None
            )
            if start is None or end is None:
                errors["quiet_hours"] = [_("Give a start and an end as HH:MM, or null for none.")]
            else:
                user.quiet_start, user.quiet_end = start, end
    for name, value, field in (
        ("urgent_in_quiet_hours", urgent_in_quiet_hours, "urgent_in_quiet_hours"),
        ("lock_screen_titles", lock_screen_titles, "lock_screen_titles"),
        ("digest", digest, "email_digest"),
    ):
        if value is UNSET:
            continue
        if not isinstance(value, bool):
            errors[name] = [_("Must be true or false.")]
        else:
            setattr(user, field, value)
    if time_zone is not UNSET:
        if not isinstance(time_zone, str) or time_zone not in notify.time_zones():
            errors["time_zone"] = [_("Unknown time zone.")]
        else:
            user.time_zone = time_zone
    if errors:
        raise ValidationError(errors)
    user.save()
    return user
