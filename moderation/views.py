from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moderation import selectors, services


@login_required
def block_list(request):
    return render(
        request, "moderation/blocks.html", {"blocks": selectors.blocks_made_by(request.user)}
    )


@login_required
@require_POST
def block_change(request, user_id):
    """The block and unblock buttons (chat page, request page, block list)."""
    unblock = request.POST.get("action") == "unblock"
    try:
        if unblock:
            services.user_unblock(user=request.user, other_id=user_id)
        else:
            services.user_block(user=request.user, other_id=user_id)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(
            request,
            _("Unblocked. You can see each other's posts and talk again.")
            if unblock
            else _(
                "Blocked. Neither of you will see the other's posts or be able to send "
                "the other a message."
            ),
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "moderation:blocks"
    return redirect(target)
