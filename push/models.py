from django.conf import settings
from django.db import models
from django.utils import timezone


class PushSubscription(models.Model):
    """One device's Web Push subscription (a browser's PushSubscription).
    The endpoint is the push service's address for that device; p256dh and
    auth encrypt what is sent to it (RFC 8291)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.user_id}: {self.endpoint[:60]}"
