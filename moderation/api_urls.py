from django.urls import path

from moderation import api

urlpatterns = [
    path("blocks", api.BlockListView.as_view(), name="api-blocks"),
    path("blocks/<int:user_id>", api.BlockView.as_view(), name="api-block"),
]
