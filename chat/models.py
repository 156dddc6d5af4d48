from django.conf import settings
from django.db import models
from django.utils import timezone


class Conversation(models.Model):
    """Between a request's author and a volunteer who responded to it; opened
    by the response (DESIGN.md: no cold messages to strangers)."""

    request = models.ForeignKey(
        "requests_board.HelpRequest", on_delete=models.CASCADE, related_name="conversations"
    )
    # Null once that participant erased their account (neighbors.services):
    # the other one keeps the conversation.
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"], name="one_conversation_per_response"
            )
        ]
        indexes = [
            models.Index(fields=["requester"], name="conversation_requester"),
            models.Index(fields=["volunteer"], name="conversation_volunteer"),
        ]

    def __str__(self):
        return f"#{self.pk} on request {self.request_id}"

    @property
    def participant_ids(self) -> tuple[int, int]:
        return (self.requester_id, self.volunteer_id)

    def other_participant_id(self, user_id: int) -> int:
        return self.volunteer_id if user_id == self.requester_id else self.requester_id

    def other_participant(self, user):
        """The other side for `user`; None once they erased their account."""
        return self.volunteer if user.pk == self.requester_id else self.requester


# Client ids the server writes itself, refused from clients: the first
# message, the volunteer's response (told as a response already, by email
# and push, never again as a message); and a message that came by text from
# a neighbour without internet, which the sms app stores in their relay's name.
RESPONSE_CLIENT_ID = "response-"
TEXT_CLIENT_ID = "sms-"
RESERVED_CLIENT_IDS = (RESPONSE_CLIENT_ID, TEXT_CLIENT_ID)


class Message(models.Model):
    """Committed before it is acknowledged; `client_id` makes retries idempotent."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # Null, with an empty body, once the sender erased their account.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=2000)
    client_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            # client_id first: a batch's retries are found with one
            # `client_id IN (...)` range over this index (chat.services).
            models.UniqueConstraint(fields=["client_id", "sender"], name="message_client_id_sender")
        ]
        indexes = [models.Index(fields=["conversation", "id"], name="message_conversation_id")]

    def __str__(self):
        return f"message {self.pk} in {self.conversation_id}"


class ReadState(models.Model):
    """How far each participant has read a conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_states"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)
    # The last message the participant was emailed about while away
    # (chat.services.messages_unread_email): one email per new batch.
    emailed_upto_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="one_read_state_per_participant"
            )
        ]

    def __str__(self):
        return f"{self.user_id} read {self.conversation_id} up to {self.last_read_id}"
