"""What the SMS bridge listens to in the layers below (connected in
SmsConfig.ready). A text that cannot be queued never fails what caused
it: the response or the message is stored and acknowledged all the same."""

import logging

from chat.signals import messages_stored
from requests_board.signals import helper_accepted, request_page_shown, response_created
from sms import selectors, services

logger = logging.getLogger(__name__)


def _response(*, response, **_signal):
    try:
        services.response_texted(response=response)
    except Exception:
        logger.exception("response %s: its proposal was not texted", response.pk)


def _messages(*, messages, **_signal):
    try:
        services.messages_texted(messages=messages)
    except Exception:
        logger.exception("%s messages: not texted", len(messages))


def _accepted(*, request, **_signal):
    try:
        services.thread_follow(request=request)
    except Exception:
        logger.exception("request %s: the neighbour was not told who comes", request.pk)


def _page(*, request, viewer, **_signal):
    return {"sms": selectors.request_texts_panel(request=request, viewer=viewer)}


response_created.connect(_response, dispatch_uid="sms.response", weak=False)
messages_stored.connect(_messages, dispatch_uid="sms.messages", weak=False)
request_page_shown.connect(_page, dispatch_uid="sms.request_page", weak=False)
helper_accepted.connect(_accepted, dispatch_uid="sms.accepted", weak=False)
