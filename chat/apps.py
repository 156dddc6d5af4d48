from django.apps import AppConfig


class ChatConfig(AppConfig):
    """Conversations, messages, the websocket consumer and its protocol."""

    name = "chat"

    def ready(self):
        from chat import selectors, services
        from requests_board.signals import request_page_shown, response_created
        from safety.signals import blocks_changed

        def follow_blocks(*, first_id, second_id, blocked, **_signal):
            services.conversations_follow_blocks(
                first_id=first_id, second_id=second_id, blocked=blocked
            )

        def start(*, response, **_signal):
            services.response_conversation_start(response=response)

        def page(*, request, viewer, **_signal):
            ids = selectors.conversation_ids_for_request(user=viewer, request=request)
            return {"conversation_ids": ids}

        blocks_changed.connect(follow_blocks, dispatch_uid="chat.follow_blocks", weak=False)
        response_created.connect(start, dispatch_uid="chat.response_start", weak=False)
        request_page_shown.connect(page, dispatch_uid="chat.request_page", weak=False)
