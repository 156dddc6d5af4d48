"""The provider's webhooks (texts in, delivery reports) and the relay's
"carry this conversation by text"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.api import error_response
from relays import selectors as relays_selectors
from relays.models import KeptNeighbour
from requests_board import selectors as board_selectors
from requests_board.services import TransitionError
from sms import backends, selectors, services


def _webhook(request, handle):
    backend = backends.backend()
    if backend is None:
        return error_response("not_found", "Text messages are not set up on this site.", 404)
    try:
        handle(backend)
    except backends.InboundRefused:
        return error_response("bad_signature", "The signature is missing or wrong.", 403)
    except backends.InboundMalformed as exc:
        return error_response("invalid", str(exc) or "Not a text message.", 400)
    return backend.inbound_answer()


@csrf_exempt  # the provider signs its calls instead
@require_POST
def inbound(request):
    """A text from a neighbour's phone, as the provider forwards it."""
    return _webhook(
        request, lambda backend: services.inbound_receive(inbound=backend.inbound(request))
    )


@csrf_exempt
@require_POST
def delivery_status(request):
    """The provider's report that a text reached the phone, or did not."""
    return _webhook(
        request,
        lambda backend: services.delivery_status_record(update=backend.status(request)),
    )


@login_required
@require_POST
def hand_over(request, pk):
    """The relay's button on the request's page."""
    help_request = board_selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
    if help_request.author_id != request.user.pk:
        raise Http404
    try:
        services.thread_hand_over(request=help_request, user=request.user)
    except TransitionError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The conversation now goes to %(name)s's phone by text.")
            % {"name": help_request.on_behalf_of.first_name},
        )
    return redirect("board:request", pk=pk)


@login_required
def neighbour_texts(request, pk):
    """Every text to and from one of the relay's neighbours, with its
    delivery status: those that came with no request to go to, too."""
    try:
        neighbour = relays_selectors.kept_neighbour_get(relay_user=request.user, pk=pk)
    except KeptNeighbour.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "sms/neighbour_texts.html",
        {"neighbour": neighbour, "texts": selectors.neighbour_texts(neighbour=neighbour)},
    )
