"""What the SMS bridge listens to in the layers below (connected in
SmsConfig.ready)."""

from chat.signals import messages_stored
from requests_board.signals import request_page_shown, response_created
from sms import selectors, services


def _response(*, response, **_signal):
    services.response_texted(response=response)


def _messages(*, messages, **_signal):
    services.messages_texted(messages=messages)


def _page(*, request, viewer, **_signal):
    return {"sms": selectors.request_texts_panel(request=request, viewer=viewer)}


response_created.connect(_response, dispatch_uid="sms.response", weak=False)
messages_stored.connect(_messages, dispatch_uid="sms.messages", weak=False)
request_page_shown.connect(_page, dispatch_uid="sms.request_page", weak=False)
