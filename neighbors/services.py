"""Writes for neighbours: sign-up, profile, home."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from chat.models import Conversation, Message
from config.text import texts_check
from geo.privacy import public_point
from moderation.models import Block, Report
from neighbors.models import SPOKEN_LANGUAGES, HomeMove, User
from requests_board.models import (
    FollowUp,
    HelpRequest,
    Notification,
    Response,
    VolunteerOffer,
)
from requests_board.services import help_request_cancel, offer_deactivate, offers_follow_home

UNSET = object()


def user_signup(*, email: str, password: str, display_name: str, request=None) -> User:
    """Creates an account and sends the email verification (allauth's)."""
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
    with transaction.atomic():
        user = User.objects.create_user(email, password, display_name=display_name)
        EmailAddress.objects.add_email(
            request, user, email, confirm=request is not None, signup=True
        )
    return user


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
def user_profile_update(
    *,
    user: User,
    display_name=UNSET,
    home=UNSET,
    walk_radius_m=UNSET,
    skills=UNSET,
    languages=UNSET,
    email_notifications=UNSET,
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
    if email_notifications is not UNSET:
        user.email_notifications = bool(email_notifications)
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
        offers_follow_home(user=user)
    if skills is not UNSET:
        user.skills.set(skills)
    return user


# --- Data rights: export and erasure ---------------------------------------------


def _point(point) -> dict | None:
    return None if point is None else {"lat": point.y, "lng": point.x}


def _when(value) -> str | None:
    return value.isoformat() if value else None


def account_export(*, user: User) -> dict:
    """Everything the app holds about `user`, as one JSON document: their
    own data, and nothing about anyone else beyond what they could see."""
    return {
        "format": "entraide-export/1",
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "home": _point(user.home),
            "home_public": _point(user.home_public),
            "walk_radius_m": user.walk_radius_m,
            "skills": list(user.skills.values_list("slug", flat=True)),
            "languages": user.languages,
            "email_notifications": user.email_notifications,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "suspended_until": _when(user.suspended_until),
            "banned_at": _when(user.banned_at),
        },
        "home_moves": [_when(m.created_at) for m in user.home_moves.order_by("created_at")],
        "requests": [
            {
                "id": r.pk,
                "title": r.title,
                "description": r.description,
                "category": r.category.slug,
                "urgency": r.urgency,
                "location": _point(r.location),
                "public_location": _point(r.public_location),
                "needed_by": _when(r.needed_by),
                "max_distance_m": r.max_distance_m,
                "status": r.status,
                "created_at": _when(r.created_at),
                "closed_at": _when(r.closed_at),
            }
            for r in HelpRequest.objects.filter(author=user).select_related("category")
        ],
        "offers": [
            {
                "id": o.pk,
                "categories": [c.slug for c in o.categories.all()],
                "radius_m": o.radius_m,
                "availability": o.availability,
                "note": o.note,
                "location": _point(o.location),
                "is_active": o.is_active,
                "created_at": _when(o.created_at),
            }
            for o in VolunteerOffer.objects.filter(volunteer=user).prefetch_related("categories")
        ],
        "responses": [
            {
                "request": r.request_id,
                "message": r.message,
                "status": r.status,
                "created_at": _when(r.created_at),
            }
            for r in Response.objects.filter(volunteer=user)
        ],
        "messages_sent": [
            {
                "id": m.pk,
                "conversation": m.conversation_id,
                "body": m.body,
                "client_id": m.client_id,
                "created_at": _when(m.created_at),
            }
            for m in Message.objects.filter(sender=user).order_by("id")
        ],
        "reports_filed": [
            {
                "target_type": r.target_type,
                "target_id": r.target_id,
                "reason": r.reason,
                "details": r.details,
                "status": r.status,
                "outcome": r.outcome,
                "created_at": _when(r.created_at),
            }
            for r in Report.objects.filter(reporter=user)
        ],
        "blocks": [b.blocked_id for b in Block.objects.filter(blocker=user)],
        "notifications": [
            {"kind": n.kind, "request": n.request_id, "created_at": _when(n.created_at)}
            for n in Notification.objects.filter(user=user)
        ],
        "follow_ups": [
            {
                "request": f.request_id,
                "role": f.role,
                "score": f.score,
                "comment": f.comment,
                "asked_at": _when(f.asked_at),
                "answered_at": _when(f.answered_at),
            }
            for f in FollowUp.objects.filter(user=user)
        ],
    }


@transaction.atomic
def account_erase(*, user: User, password: str) -> None:
    """Erases the account, irreversibly, once the password confirms it.

    Removed: the profile and home, offers, responses, notifications, blocks,
    tokens, and the exact points and texts of the user's requests. Their
    open requests are cancelled first (the neighbours involved are told).
    Kept, without the user: the bodies-less messages they sent (the other
    participant sees "deleted account"), the reports they filed (the audit
    trail), follow-up scores and the requests' anonymous rows, which the
    impact figures count."""
    if not isinstance(password, str) or not user.check_password(password):
        raise ValidationError({"password": [_("The password is not right.")]})
    for request in HelpRequest.objects.filter(
        author=user, status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED]
    ):
        help_request_cancel(request=request, user=user)
    HelpRequest.objects.filter(author=user).update(
        title="",
        description="",
        location=models.F("public_location"),
        exact_deleted=True,
        max_distance_m=None,
    )
    for offer in VolunteerOffer.objects.filter(volunteer=user, is_active=True):
        offer_deactivate(offer=offer, user=user)
    VolunteerOffer.objects.filter(volunteer=user).delete()
    Message.objects.filter(sender=user).update(body="")
    Conversation.objects.filter(
        models.Q(requester=user) | models.Q(volunteer=user), closed_at__isnull=True
    ).update(closed_at=timezone.now())
    # The rest goes with the row: SET_NULL keeps the anonymous parts
    # (messages, requests, reports, follow-ups), CASCADE removes the others.
    user.delete()
