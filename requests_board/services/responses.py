"""A volunteer's response to a request: the first step towards a conversation."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import texts_check
from neighbors import notify
from requests_board.models import (
    HelpRequest,
    Notification,
    Response,
)
from requests_board.services.notifications import (
    email_in_their_language,
    notification_send,
    request_url,
)
from requests_board.services.requests import TransitionError, _locked
from requests_board.signals import response_created
from safety.limits import limit_check
from safety.sanctions import restriction_check
from safety.selectors import blocked_between

Status = HelpRequest.Status


def help_request_respond(*, request: HelpRequest, volunteer, message: str) -> Response:
    """A volunteer offers to help. Once the response is committed, chat opens
    the conversation with the response as its first message, in its own
    transaction (response_created): published in the conversation's order."""
    response = _response_create(request=request, volunteer=volunteer, message=message)
    response_created.send(sender=Response, response=response)
    return response


@transaction.atomic
def _response_create(*, request: HelpRequest, volunteer, message: str) -> Response:
    restriction_check(volunteer)
    request = _locked(request)
    if request.author_id == volunteer.pk:
        raise TransitionError(_("You cannot respond to your own request."), code="own_request")
    if blocked_between(request.author_id, volunteer.pk):
        raise Http404  # the request is out of sight for both

    if request.status != Status.OPEN or request.expires_at <= timezone.now():
        raise TransitionError(_("This request is no longer open."))
    texts_check(message=message)
    message = message.strip()
    if not message:
        raise ValidationError({"message": [_("Say a word to your neighbour.")]})
    if len(message) > 1000:
        raise ValidationError({"message": [_("At most 1,000 characters.")]})
    limit_check(volunteer, "response")
    limit_check(volunteer, "conversation")
    try:
        with transaction.atomic():
            response = Response.objects.create(
                request=request, volunteer=volunteer, message=message
            )
    except IntegrityError:
        raise TransitionError(
            _("You have already offered to help with this request."), code="already_responded"
        ) from None
    if request.first_response_at is None:
        request.first_response_at = response.created_at
        request.save(update_fields=["first_response_at"])
    notification_send(
        user_ids=[request.author_id], kind=Notification.Kind.NEW_RESPONSE, request=request
    )
    if notify.wants(request.author, "response", "email"):
        _email_response(request, volunteer)
    return response


def _email_response(request, volunteer) -> None:
    email_in_their_language(
        user=request.author,
        subject=gettext_lazy("%(name)s offers to help: %(title)s"),
        body=gettext_lazy(
            "%(name)s offers to help with your request “%(title)s”.\n\n"
            "Read their message, answer them and accept their help here: %(url)s"
        ),
        name=volunteer.display_name,
        title=request.title,
        url=request_url(request),
    )


@transaction.atomic
def response_pass(*, request: HelpRequest, requester, volunteer_id: int) -> Response:
    """The requester says no to one volunteer's offer (a neighbour without
    internet answering NO by text): it is "not chosen", and the request
    stays open for the others."""
    request = _locked(request)
    if request.author_id != requester.pk:
        raise PermissionDenied(_("Only the author can answer an offer of help."))
    if request.status != Status.OPEN:
        raise TransitionError(_("This request is no longer open."))
    response = request.responses.filter(
        volunteer_id=volunteer_id, status=Response.Status.PENDING
    ).first()
    if response is None:
        raise ValidationError({"helper": [_("This neighbour has not offered to help.")]})
    response.status = Response.Status.DECLINED
    response.save(update_fields=["status"])
    return response
