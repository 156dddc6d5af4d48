"""Sending one push (RFC 8030 with VAPID, RFC 8292, and aes128gcm
encryption, RFC 8291, through pywebpush), in a background task."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from common.metrics import PUSHES
from push import vapid
from push.endpoints import endpoint_check
from push.models import PushSubscription

logger = logging.getLogger(__name__)


@task()
def push_deliver(subscription_id: int, data: str, ttl: int, urgency: str) -> str:
    outcome = push_send_now(subscription_id=subscription_id, data=data, ttl=ttl, urgency=urgency)
    PUSHES.labels(outcome).inc()
    return outcome


def push_send_now(*, subscription_id: int, data: str, ttl: int, urgency: str) -> str:
    """Sends one push (the task's body). Returns what happened: "sent",
    "gone" (the push service forgot the device: the subscription is
    deleted), "refused" (the endpoint is no longer allowed), "failed"."""

    # Imported here: pywebpush brings requests and aiohttp (about 38 MB),
    # which an idle server that pushes nothing need not hold.
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    try:
        endpoint_check(subscription.endpoint)
    except ValidationError:
        logger.warning("push endpoint refused at send time: subscription %s", subscription_id)
        return "refused"
    session = _no_redirects()
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=data,
            vapid_private_key=Vapid.from_pem(vapid.private_pem().encode()),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=ttl,
            headers={"Urgency": urgency},
            timeout=settings.PUSH_TIMEOUT_S,
            requests_session=session,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            subscription.delete()
            return "gone"
        logger.warning("push to subscription %s failed: %s", subscription_id, status)
        return "failed"
    except Exception:  # a network error: the push is lost, not the task worker
        logger.warning("push to subscription %s failed", subscription_id, exc_info=True)
        return "failed"
    finally:
        session.close()
    PushSubscription.objects.filter(pk=subscription_id).update(last_sent_at=timezone.now())
    return "sent"


def _no_redirects():
    """A requests session that never follows a redirect: a push service that
    answers 3xx cannot send us elsewhere (inside our network, say)."""
    import requests

    class Session(requests.Session):
        def request(self, *args, **kwargs):
            kwargs["allow_redirects"] = False
            return super().request(*args, **kwargs)

    return Session()
