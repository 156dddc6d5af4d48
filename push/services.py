"""Web Push writes: subscriptions, and queueing pushes (sent by a background
task, never inside a request: push.delivery)."""

import base64
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from neighbors import notify
from push.delivery import push_deliver
from push.endpoints import endpoint_check
from push.models import PushSubscription

# How long a push service keeps a push for an offline device, by kind: a
# message or a request matters for hours, a follow-up for days.
TTL_S = {
    "new_request": 6 * 3600,
    "response": 24 * 3600,
    "accepted": 24 * 3600,
    "message": 24 * 3600,
    "follow_up": 3 * 24 * 3600,
}


def _key_check(value, name: str, lengths: tuple[int, ...]) -> str:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise ValidationError({f"keys.{name}": [_("Missing or malformed key.")]})
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        raise ValidationError({f"keys.{name}": [_("Missing or malformed key.")]}) from None
    if len(raw) not in lengths or (name == "p256dh" and raw[0] != 4):
        raise ValidationError({f"keys.{name}": [_("Missing or malformed key.")]})
    return value


def subscription_save(*, user, endpoint, p256dh, auth) -> tuple[PushSubscription, bool]:
    """Saves a device's subscription; the same endpoint again is the same
    subscription (created False), its keys refreshed. An endpoint another
    user holds moves to this user: the browser that holds it says so."""
    endpoint_check(endpoint)
    _key_check(p256dh, "p256dh", (65,))
    _key_check(auth, "auth", (16,))
    with transaction.atomic():
        existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if existing is not None:
            existing.user = user
            existing.p256dh, existing.auth = p256dh, auth
            existing.save(update_fields=["user", "p256dh", "auth"])
            return existing, False
        try:
            with transaction.atomic():
                created = PushSubscription.objects.create(
                    user=user, endpoint=endpoint, p256dh=p256dh, auth=auth
                )
        except IntegrityError:  # the same endpoint, at the same moment
            return PushSubscription.objects.get(endpoint=endpoint), False
    return created, True


def subscription_delete(*, user, subscription_id) -> None:
    deleted, _rows = PushSubscription.objects.filter(pk=subscription_id, user=user).delete()
    if not deleted:
        raise Http404


def push_to(*, users, kind: str, payload_for, urgent: bool = False) -> int:
    """Queues a push of `kind` to every device of each of `users` who wants
    it now (neighbors.notify: their choice for the kind, quiet hours).
    `payload_for(user)` makes the payload in the user's language: {"type",
    "title", "body", "url", "tag"}, never an exact point, an address or a
    phone number. Returns how many pushes were queued."""
    users = [user for user in users if user is not None]
    subscriptions = list(
        PushSubscription.objects.filter(user_id__in=[user.pk for user in users]).values_list(
            "pk", "user_id"
        )
    )
    if not subscriptions:
        return 0
    payloads = {}
    for user in users:
        if notify.push_allowed(user, kind, urgent=urgent):
            with notify.in_language_of(user):
                payloads[user.pk] = json.dumps(payload_for(user), ensure_ascii=False)
    ttl, urgency = TTL_S.get(kind, 3600), "high" if urgent else "normal"
    queued = 0
    for pk, user_id in subscriptions:
        if user_id in payloads:
            data = payloads[user_id]
            transaction.on_commit(
                lambda pk=pk, data=data: push_deliver.enqueue(pk, data, ttl, urgency)
            )
            queued += 1
    return queued


def lock_screen(user, text: str, hidden) -> str:
    """`text` (a request's title), or the generic `hidden` words for a user
    who keeps titles off the lock screen."""
    return text if user.lock_screen_titles else str(hidden)
