from django.urls import path

from requests_board import api

urlpatterns = [
    path("categories", api.CategoryListView.as_view(), name="api-categories"),
    path("requests", api.HelpRequestListView.as_view(), name="api-requests"),
    path("requests/nearby", api.HelpRequestNearbyView.as_view(), name="api-requests-nearby"),
    path("requests/<int:pk>", api.HelpRequestDetailView.as_view(), name="api-request"),
    path(
        "requests/<int:pk>/responses",
        api.HelpRequestResponsesView.as_view(),
        name="api-request-responses",
    ),
    path(
        "requests/<int:pk>/accept", api.HelpRequestAcceptView.as_view(), name="api-request-accept"
    ),
    path(
        "requests/<int:pk>/complete",
        api.HelpRequestCompleteView.as_view(),
        name="api-request-complete",
    ),
    path(
        "requests/<int:pk>/cancel", api.HelpRequestCancelView.as_view(), name="api-request-cancel"
    ),
    path(
        "requests/<int:pk>/decline",
        api.HelpRequestDeclineView.as_view(),
        name="api-request-decline",
    ),
    path("offers", api.OfferListView.as_view(), name="api-offers"),
    path("offers/nearby", api.OfferNearbyView.as_view(), name="api-offers-nearby"),
    path("map", api.MapView.as_view(), name="api-map"),
    path("follow-ups", api.FollowUpListView.as_view(), name="api-follow-ups"),
    path("follow-ups/<int:pk>", api.FollowUpAnswerView.as_view(), name="api-follow-up"),
    path("impact", api.ImpactView.as_view(), name="api-impact"),
]
