from datetime import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language, get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from common.forms import form_add_service_errors
from geo.geocoding import GeocodingError, geocode
from geo.maps import map_config
from geo.points import lat_lng
from neighbors import notify, selectors, services
from neighbors.forms import AddressSearchForm, HomeForm, NotificationsForm, ProfileForm


def _profile_initial(user) -> dict:
    home = lat_lng(user.home) or {}
    return {
        "display_name": user.display_name,
        "lat": home.get("lat"),
        "lng": home.get("lng"),
        "walk_radius_m": user.walk_radius_m,
        "skills": list(user.skills.all()),
        "languages": user.languages,
        "email_notifications": user.email_notifications,
        "email_my_requests": user.email_my_requests,
    }


def address_find(request) -> tuple[AddressSearchForm, dict | None]:
    """Geocodes the address typed on the page: the pin moves on the form,
    nothing is saved until the person saves. Returns the form (with its
    error) and the found {lat, lng}, or None."""
    address_form = AddressSearchForm(request.POST)
    if not address_form.is_valid():
        return address_form, None
    try:
        place = geocode(address_form.cleaned_data["address"], language=get_language())
    except GeocodingError as exc:
        address_form.add_error("address", str(exc))
        return address_form, None
    messages.info(
        request,
        _("Found: %(label)s. Check the pin on the map, then save.") % {"label": place.label},
    )
    return address_form, {"lat": round(place.lat, 6), "lng": round(place.lng, 6)}


def _render_profile(request, user, form, address_form, status=200):
    return render(
        request,
        "neighbors/profile.html",
        {
            "form": form,
            "address_form": address_form,
            "map_config": map_config(request),
            "profile": user,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The caller's own profile. The only page that ever shows their home."""
    user = selectors.user_profile_get(user=request.user)
    if request.method == "GET":
        return _render_profile(
            request, user, ProfileForm(initial=_profile_initial(user)), AddressSearchForm()
        )

    if "find_address" in request.POST:
        address_form, found = address_find(request)
        initial = {**_profile_initial(user), **(found or {})}
        return _render_profile(
            request, user, ProfileForm(initial=initial), address_form, status=200 if found else 400
        )

    form = ProfileForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.user_profile_update(
                user=user,
                display_name=data["display_name"],
                home=data["home"],
                walk_radius_m=data["walk_radius_m"],
                skills=data["skills"],
                languages=data["languages"],
                email_notifications=data["email_notifications"],
                email_my_requests=data["email_my_requests"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if data["home"] is None:
                # Saved, but the one thing that makes the app work is missing.
                messages.warning(
                    request,
                    _(
                        "Your home is not set yet: without it, nobody near you can be "
                        "found. Search your address above, or place the pin on the map."
                    ),
                )
            else:
                messages.success(request, _("Your profile is saved."))
            return redirect("neighbors:profile")
    return _render_profile(request, user, form, AddressSearchForm(), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def home_step(request):
    """The step after sign-up, "Where do you live?": the address search and
    the pin, and nothing else; it ends on "Ask for help" and "Offer help"."""
    user = selectors.user_profile_get(user=request.user)
    address_form, status = AddressSearchForm(), 200
    if request.method == "GET":
        form = HomeForm(initial=lat_lng(user.home) or {})
    elif "find_address" in request.POST:
        address_form, found = address_find(request)
        form = HomeForm(initial=found or lat_lng(user.home) or {})
        status = 200 if found else 400
    else:
        form = HomeForm(request.POST)
        if form.is_valid():
            try:
                services.user_profile_update(user=user, home=form.cleaned_data["home"])
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your home is set. Neighbours see only an area of about 250 metres "
                        "around it, never your address."
                    ),
                )
                return redirect(HOME_STEP_NEXT.get(request.POST.get("then"), "board:home"))
        status = 400
    return render(
        request,
        "neighbors/home_step.html",
        {"form": form, "address_form": address_form, "map_config": map_config(request)},
        status=status,
    )


# Where the home step's buttons lead once the home is saved.
HOME_STEP_NEXT = {"request": "board:request-create", "offer": "board:offer-create"}


@require_http_methods(["POST"])
def language_set(request):
    """Django's language switch, and for a signed-in person, the language
    their emails are written in from now on."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        services.user_language_set(user=request.user, language=language)
    return response


@csrf_exempt  # mail clients' one-click POST has no CSRF token; the signed link is the key
@require_http_methods(["GET", "POST"])
def email_stop(request, token):
    """The link in every notification email: a page with one button (a mail
    scanner that follows links changes nothing), and a POST that also
    answers mail clients' one-click unsubscribe (RFC 8058)."""
    user = selectors.email_stop_user(token=token)
    if user is None:
        return render(request, "neighbors/email_stop.html", {"valid": False}, status=400)
    stopped = request.method == "POST"
    if stopped:
        services.user_email_stop(user=user)
    return render(request, "neighbors/email_stop.html", {"valid": True, "stopped": stopped})


def _notifications_initial(user) -> dict:
    return {
        **{f"kind_{kind}": notify.kind_choice(user, kind) for kind in notify.KINDS},
        "quiet": user.quiet_start is not None and user.quiet_end is not None,
        "quiet_start": user.quiet_start or time(21, 0),
        "quiet_end": user.quiet_end or time(8, 0),
        "urgent_in_quiet_hours": user.urgent_in_quiet_hours,
        "lock_screen_titles": user.lock_screen_titles,
        "digest": user.email_digest,
    }


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """How the person is told: per kind, quiet hours, the lock screen, the
    digest; and pushes on or off for this device (static/js/pwa.js)."""
    user = request.user
    form = NotificationsForm(request.POST or None, initial=_notifications_initial(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notify_settings_update(
                user=user,
                kinds={kind: data[f"kind_{kind}"] for kind in notify.KINDS},
                quiet_hours={
                    "start": data["quiet_start"].strftime("%H:%M"),
                    "end": data["quiet_end"].strftime("%H:%M"),
                }
                if data["quiet"]
                else None,
                urgent_in_quiet_hours=data["urgent_in_quiet_hours"],
                lock_screen_titles=data["lock_screen_titles"],
                digest=data["digest"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved: this is how you will be told."))
            return redirect("neighbors:notifications")
    return render(
        request,
        "neighbors/notifications.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
