"""The board's pages: thin views over services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import SERVICE_ERRORS, form_add_service_errors
from common.ids import as_id
from geo.maps import map_config
from geo.points import bbox_around, lat_lng
from geo.public import public_place
from relays.models import KeptNeighbour
from relays.selectors import kept_neighbour_for_posting
from requests_board import selectors, services
from requests_board.forms import (
    AcceptForm,
    BoardFilterForm,
    HelpRequestForm,
    OfferForm,
    ResponseForm,
)
from requests_board.models import HelpRequest
from requests_board.signals import request_page_shown


def _filters(request) -> dict:
    form = BoardFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return {"form": form, "category": None, "urgency": None, "band": None, "page": 1}
    data = form.cleaned_data if form.is_bound else {}
    category = data.get("category")
    return {
        "form": form,
        "category": category.slug if category else None,
        "urgency": data.get("urgency") or None,
        "band": data.get("band") or None,
        "page": data.get("page") or 1,
    }


def home(request):
    """The map, and the same items as a list with filters."""
    filters = _filters(request)
    config = map_config(request)
    user = request.user
    context = {"filters": filters["form"], "map_config": config}
    if user.is_authenticated:
        context["waiting_offers"] = selectors.offers_of_help_waiting(author=user)
        context["questions"] = selectors.follow_ups_waiting(user=user)
        context["asked_to_me"] = selectors.direct_asks_waiting(volunteer=user)
    if user.is_authenticated and user.home is not None:
        page = selectors.help_requests_nearby(
            viewer=user,
            page=filters["page"],
            category=filters["category"],
            urgency=filters["urgency"],
            band=filters["band"],
        )
        context.update(matches=page.results, page=page)
        context["offers"] = [m.item for m in selectors.offers_nearby(viewer=user).results]
    else:
        center = Point(config["center"]["lng"], config["center"]["lat"], srid=4326)
        area = bbox_around(center, 1500)
        context["area_requests"] = selectors.help_requests_in_area(
            bbox=area, category=filters["category"], urgency=filters["urgency"], viewer=user
        )
        context["offers"] = selectors.offers_in_area(bbox=area, viewer=user)
    return render(request, "requests_board/home.html", context)


@login_required
def near_me(request):
    """For volunteers: open requests they could walk to, with the reasons."""
    if request.user.home is None:
        messages.info(request, _("Set your home first: nearby help is found from it."))
        return redirect("neighbors:profile")
    filters = _filters(request)
    page = selectors.help_requests_nearby(
        viewer=request.user,
        page=filters["page"],
        category=filters["category"],
        urgency=filters["urgency"],
        band=filters["band"],
    )
    return render(
        request,
        "requests_board/near_me.html",
        {"filters": filters["form"], "page": page, "matches": page.results},
    )


def _request_form_initial(user) -> dict:
    home = lat_lng(user.home) or {}
    return {"lat": home.get("lat"), "lng": home.get("lng")}


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    """A request for everyone nearby or, from an offer's "Ask Louise"
    (`?to=<offer id>`), for that volunteer first."""
    asked = as_id(request.POST.get("addressed_to") or request.GET.get("to"))
    offer = selectors.offer_addressable(viewer=request.user, offer_id=asked) if asked else None
    if asked and offer is None and request.method == "GET":
        messages.info(
            request,
            _(
                "This volunteer cannot be asked directly now: your request will go to the "
                "neighbours nearby."
            ),
        )
    initial = _request_form_initial(request.user)
    neighbour = _neighbour_posted_for(request)
    if neighbour is not None:
        initial.update(lat_lng(neighbour.place), on_behalf_of=neighbour.pk)
    if offer is not None:
        initial["addressed_to"] = offer.pk
        categories = list(offer.categories.all())
        if len(categories) == 1:
            initial["category"] = categories[0]
    form = HelpRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            help_request = services.help_request_create(
                author=request.user,
                addressed_to=form.cleaned_data["addressed_to"],
                on_behalf_of=form.cleaned_data["on_behalf_of"],
                client_id=form.cleaned_data["client_id"],
                **_request_fields(form.cleaned_data),
            )
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
            _direct_refused(form)
        except services.TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            if help_request.addressed_to_id:
                messages.success(
                    request,
                    _("Your request is sent to %(name)s. You will be told when they answer.")
                    % {"name": help_request.addressed_to.volunteer.display_name},
                )
            elif neighbour is not None:
                messages.success(
                    request,
                    _("The request for %(name)s is published. Neighbours nearby will see it.")
                    % {"name": neighbour.first_name},
                )
            else:
                messages.success(
                    request, _("Your request is published. Neighbours nearby will see it.")
                )
            return redirect("board:request", pk=help_request.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "requests_board/request_form.html",
        {
            "form": form,
            "map_config": map_config(request),
            "editing": False,
            "direct_offer": offer,
            "direct_wait": services.direct_wait_words() if offer else "",
            "posted_for": neighbour,
        },
        status=status,
    )


def _direct_refused(form) -> None:
    """The volunteer can no longer be asked (she withdrew her offer, say):
    said at the top of the form, and sending again asks everyone nearby."""
    refused = form.errors.pop("addressed_to", None)
    if refused:
        for message in refused:
            form.add_error(None, message)
        form.data = form.data.copy()
        form.data["addressed_to"] = ""


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
    if help_request.author_id != request.user.pk:
        raise PermissionDenied
    initial = {
        "title": help_request.title,
        "description": help_request.description,
        "category": help_request.category,
        "urgency": help_request.urgency,
        "needed_on": help_request.needed_on or help_request.needed_by,
        "part_of_day": help_request.part_of_day,
        "meeting_note": help_request.meeting_note,
        "max_distance_m": help_request.max_distance_m,
        **(lat_lng(help_request.location) or {}),
    }
    form = HelpRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.help_request_update(
                request=help_request, user=request.user, **_request_fields(form.cleaned_data)
            )
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
        except services.TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request is updated."))
            return redirect("board:request", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "requests_board/request_form.html",
        {
            "form": form,
            "map_config": map_config(request),
            "editing": True,
            "help_request": help_request,
        },
        status=status,
    )


def _neighbour_posted_for(request):
    """The neighbour a relay asks for (`?for=<id>` from their list), if the
    caller is their relay."""
    neighbour_id = as_id(request.POST.get("on_behalf_of") or request.GET.get("for"))
    if not neighbour_id:
        return None
    try:
        return kept_neighbour_for_posting(relay_user=request.user, pk=neighbour_id)
    except KeptNeighbour.DoesNotExist:
        return None


def _request_fields(data: dict) -> dict:
    """What HelpRequestForm hands to the create and update services."""
    names = (
        "title",
        "description",
        "category",
        "urgency",
        "location",
        "needed_on",
        "part_of_day",
        "meeting_note",
        "max_distance_m",
        "publish_anyway",
    )
    return {name: data[name] for name in names}


def request_detail(request, pk):
    viewer = request.user if request.user.is_authenticated else None
    help_request = selectors.help_request_for_viewer(viewer=viewer, request_id=pk)
    return _render_detail(request, help_request, response_form=ResponseForm())


def _render_detail(request, help_request: HelpRequest, *, response_form, status=200):
    viewer = request.user if request.user.is_authenticated else None
    exact = selectors.help_request_exact_visible(viewer=viewer, request=help_request)
    is_author = viewer is not None and viewer.pk == help_request.author_id
    context = {
        "help_request": help_request,
        "public": public_place(help_request)["public_location"],
        "exact": lat_lng(help_request.location) if exact else None,
        "distance": selectors.help_request_view_distance(viewer=viewer, request=help_request),
        "is_author": is_author,
        "is_helper": viewer is not None and viewer.pk == help_request.helper_id,
        "map_config": map_config(request),
        "response_form": response_form,
    }
    context["direct"] = _direct_state(viewer, help_request)
    # What the apps above add (chat: {volunteer id: conversation id}; sms:
    # the relay's panel of a neighbour's texts).
    conversation_ids = {}
    if viewer is not None:
        for _receiver, extra in request_page_shown.send(
            sender=HelpRequest, request=help_request, viewer=viewer
        ):
            conversation_ids.update(extra.get("conversation_ids", {}))
            if extra.get("sms"):
                context["sms"] = extra["sms"]
    if is_author:
        responses = list(selectors.responses_for_author(viewer=viewer, request=help_request))
        for response in responses:
            response.band = selectors.response_distance(
                request=help_request, volunteer=response.volunteer
            )
            response.conversation_id = conversation_ids.get(response.volunteer_id)
        context["responses"] = responses
    elif viewer is not None:
        context["my_response"] = help_request.responses.filter(volunteer=viewer).first()
        context["my_conversation_id"] = conversation_ids.get(viewer.pk)
    if exact and not is_author:
        # The destination only: the map site asks the phone where it is, and
        # the helper's home never leaves for a third party.
        context["directions_url"] = (
            "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=%3B"
            f"{context['exact']['lat']}%2C{context['exact']['lng']}"
        )
    return render(request, "requests_board/request_detail.html", context, status=status)


def _direct_state(viewer, help_request: HelpRequest) -> dict | None:
    """A request still waiting for the one volunteer it was addressed to, as
    its author and that volunteer see it; None for anyone else."""
    offer = help_request.addressed_to
    waiting = (
        offer is not None
        and viewer is not None
        and help_request.status == HelpRequest.Status.OPEN
        and help_request.addressed_until is not None
        and help_request.addressed_until > timezone.now()
    )
    if not waiting or viewer.pk not in (help_request.author_id, offer.volunteer_id):
        return None
    if help_request.responses.filter(volunteer_id=offer.volunteer_id).exists():
        return None  # she answered: nothing waits any more
    return {
        "name": offer.volunteer.display_name,
        "until": help_request.addressed_until,
        "to_me": viewer.pk == offer.volunteer_id,
    }


@login_required
@require_POST
def request_decline(request, pk):
    """The volunteer asked first cannot this time: everyone nearby is asked."""
    return _transition(
        request,
        pk,
        lambda r: services.help_request_decline(request=r, user=request.user),
        _("Thank you for saying so. Other neighbours nearby are asked now."),
    )


@login_required
@require_POST
def request_respond(request, pk):
    help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.help_request_respond(
                request=help_request, volunteer=request.user, message=form.cleaned_data["message"]
            )
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
        except services.TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you! Your neighbour has been told."))
            return redirect("board:request", pk=pk)
    return _render_detail(request, help_request, response_form=form, status=400)


def _transition(request, pk, action, success_message):
    help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
    try:
        action(help_request)
    except services.TransitionError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, help_request, response_form=ResponseForm(), status=409)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_detail(request, help_request, response_form=ResponseForm(), status=400)
    messages.success(request, success_message)
    return redirect("board:request", pk=pk)


def _confirm(
    request, help_request, *, question, consequences, action, keep, danger=False, helper=None
):
    """The page that asks before a step that cannot be taken back."""
    return render(
        request,
        "requests_board/confirm.html",
        {
            "help_request": help_request,
            "question": question,
            "consequences": consequences,
            "action": action,
            "keep": keep,
            "danger": danger,
            "helper": helper,
        },
    )


def _author_request(request, pk) -> HelpRequest:
    help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
    if help_request.author_id != request.user.pk:
        raise Http404
    return help_request


@login_required
@require_http_methods(["GET", "POST"])
def request_accept(request, pk):
    """GET asks "Accept Karim?" (he will see where to meet); POST accepts."""
    if request.method == "GET":
        help_request = _author_request(request, pk)
        form = AcceptForm(request.GET)
        helper = (
            form.is_valid()
            and selectors.responses_for_author(viewer=request.user, request=help_request)
            .filter(volunteer_id=form.cleaned_data["helper"])
            .first()
        )
        if not helper:
            return redirect("board:request", pk=pk)
        name = helper.volunteer.display_name
        return _confirm(
            request,
            help_request,
            question=_("Accept %(name)s's help?") % {"name": name},
            consequences=_(
                "%(name)s will see the exact meeting place, and you will agree on the "
                "details in the chat. The others who offered are thanked and told "
                "that someone is coming."
            )
            % {"name": name},
            action=_("Yes, accept %(name)s") % {"name": name},
            keep=_("Not yet"),
            helper=helper.volunteer_id,
        )
    form = AcceptForm(request.POST)
    helper_id = form.cleaned_data["helper"] if form.is_valid() else 0
    return _transition(
        request,
        pk,
        lambda r: services.help_request_accept(
            request=r, requester=request.user, helper_id=helper_id
        ),
        _("You accepted a helper. They can now see where to meet you."),
    )


@login_required
@require_POST
def request_complete(request, pk):
    """Done, then straight to the one question: "Did this help?"."""
    response = _transition(
        request,
        pk,
        lambda r: services.help_request_complete(request=r, user=request.user),
        _("Marked as done. Thank you for helping each other!"),
    )
    if response.status_code == 302:
        return redirect("board:follow-up", pk=pk)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel(request, pk):
    """GET asks first: a cancelled request cannot be opened again."""
    if request.method == "GET":
        help_request = _author_request(request, pk)
        if help_request.status not in (HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED):
            return redirect("board:request", pk=pk)
        return _confirm(
            request,
            help_request,
            question=_("Cancel your request?"),
            consequences=_(
                "It cannot be opened again: you would have to ask again. The "
                "neighbours who offered to help are told."
            ),
            action=_("Yes, cancel my request"),
            keep=_("No, keep it"),
            danger=True,
        )
    return _transition(
        request,
        pk,
        lambda r: services.help_request_cancel(request=r, user=request.user),
        _("Your request is cancelled."),
    )


@login_required
def my_requests(request):
    return render(
        request,
        "requests_board/my_requests.html",
        {
            "mine": selectors.help_requests_of(user=request.user),
            "helping": selectors.help_requests_helping(user=request.user),
            "notifications": selectors.notifications_for(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request):
    form = OfferForm(
        request.POST or None,
        initial={
            "radius_m": request.user.walk_radius_m,
            "categories": list(request.user.skills.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_create(volunteer=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Your offer is published. Thank you!"))
            return redirect("board:near-me")
    status = 400 if request.method == "POST" else 200
    return render(request, "requests_board/offer_form.html", {"form": form}, status=status)
