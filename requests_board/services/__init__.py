"""Writes for the help board, one module per entity: requests and their
lifecycle, responses, offers, notifications and waves, follow-ups. What the
public sees of a post (and the map's counts) changes in
requests_board.visibility only. Views, the API and other apps import the
names below from here."""

from requests_board.services.direct import direct_wait_words
from requests_board.services.follow_ups import (
    follow_up_answer,
    follow_up_from_token,
    follow_up_link,
    follow_ups_ask,
    follow_ups_remind,
)
from requests_board.services.notifications import (
    notification_send,
    notify_wave,
    request_notify_wave,
)
from requests_board.services.offers import offer_create, offer_deactivate, offers_follow_home
from requests_board.services.requests import (
    TransitionError,
    help_request_accept,
    help_request_cancel,
    help_request_complete,
    help_request_create,
    help_request_decline,
    help_request_update,
    help_requests_expire,
)
from requests_board.services.responses import help_request_respond, response_pass

__all__ = [
    "TransitionError",
    "direct_wait_words",
    "follow_up_answer",
    "follow_up_from_token",
    "follow_up_link",
    "follow_ups_ask",
    "follow_ups_remind",
    "help_request_accept",
    "help_request_cancel",
    "help_request_complete",
    "help_request_create",
    "help_request_decline",
    "help_request_respond",
    "help_request_update",
    "help_requests_expire",
    "notification_send",
    "response_pass",
    "notify_wave",
    "offer_create",
    "offer_deactivate",
    "offers_follow_home",
    "request_notify_wave",
]
