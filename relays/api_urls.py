from django.urls import path

from relays import api

urlpatterns = [
    path("relay/neighbours", api.KeptNeighbourListView.as_view(), name="api-kept-neighbours"),
]
