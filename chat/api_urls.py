from django.urls import path

from chat import api

urlpatterns = [
    path("conversations", api.ConversationListView.as_view(), name="api-conversations"),
    path(
        "conversations/<int:pk>/messages",
        api.MessageListView.as_view(),
        name="api-conversation-messages",
    ),
    path("ws-ticket", api.WsTicketView.as_view(), name="api-ws-ticket"),
]
