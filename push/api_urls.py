from django.urls import path

from push import api

urlpatterns = [
    path("push/key", api.PushKeyView.as_view(), name="api-push-key"),
    path(
        "push/subscriptions", api.PushSubscriptionListView.as_view(), name="api-push-subscriptions"
    ),
    path(
        "push/subscriptions/<int:pk>",
        api.PushSubscriptionDetailView.as_view(),
        name="api-push-subscription",
    ),
]
