import uuid

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chat import selectors, services
from safety.selectors import blocks


@login_required
def conversation_list(request):
    conversations = selectors.conversations_for(user=request.user)
    for conversation in conversations:
        conversation.other = conversation.other_participant(request.user)
    return render(request, "chat/conversation_list.html", {"conversations": conversations})


@login_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request, pk):
    conversation = selectors.conversation_for_participant(user=request.user, conversation_id=pk)
    error = None
    if request.method == "POST":
        # Without JavaScript the page still works: a plain form, same service.
        try:
            services.message_send(
                user=request.user,
                conversation_id=conversation.pk,
                body=request.POST.get("body", ""),
                client_id=request.POST.get("client_id", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        except services.RateLimited:
            error = _("Too many messages: wait a moment.")
        else:
            return redirect("chat:conversation", pk=conversation.pk)
        flash.error(request, error)
    history = selectors.messages_latest(conversation=conversation)
    other = conversation.other_participant(request.user)
    return render(
        request,
        "chat/conversation.html",
        {
            "conversation": conversation,
            "history": history,
            "other": other,
            "blocked_by_me": other is not None and blocks(request.user, other),
            "client_id": str(uuid.uuid4()),
            "chat_config": {
                "conversation": conversation.pk,
                "me": request.user.pk,
                "other_name": other.display_name if other else _("Deleted account"),
                "last_id": history[-1].pk if history else 0,
                "labels": {
                    "sending": _("Sending…"),
                    "sent": _("Sent"),
                    "read": _("Read"),
                    "failed": _("Not sent. It will be retried."),
                    "typing": _("%(name)s is typing…")
                    % {"name": other.display_name if other else ""},
                    "offline": _("Connection lost. Reconnecting…"),
                    "online": _("Connected"),
                    "removed": _("Removed by moderation"),
                    "deleted": _("Deleted account"),
                    "by_text": _("by text message"),
                },
            },
        },
        status=400 if error else 200,
    )
