from django.urls import path

from relays import views

app_name = "relays"
urlpatterns = [
    path("relay/neighbours/", views.neighbours, name="neighbours"),
    path("relay/neighbours/new/", views.neighbour_add, name="neighbour-add"),
    path("relay/neighbours/<int:pk>/edit/", views.neighbour_edit, name="neighbour-edit"),
]
