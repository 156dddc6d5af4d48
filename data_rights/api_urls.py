from django.urls import path

from data_rights import api

urlpatterns = [
    path("me", api.MeView.as_view(), name="api-me"),
    path("me/export", api.ExportView.as_view(), name="api-me-export"),
    path("relay/neighbours/<int:pk>", api.KeptNeighbourView.as_view(), name="api-kept-neighbour"),
]
