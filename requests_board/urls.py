from django.urls import path

from requests_board import follow_up_views, views

app_name = "board"
urlpatterns = [
    path("", views.home, name="home"),
    path("near-me/", views.near_me, name="near-me"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/mine/", views.my_requests, name="my-requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request-edit"),
    path("requests/<int:pk>/respond/", views.request_respond, name="request-respond"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request-accept"),
    path("requests/<int:pk>/complete/", views.request_complete, name="request-complete"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request-decline"),
    path("requests/<int:pk>/did-it-help/", follow_up_views.follow_up_page, name="follow-up"),
    path("offers/new/", views.offer_create, name="offer-create"),
    path("follow-ups/", follow_up_views.follow_ups, name="follow-ups"),
    path(
        "follow-ups/answer/<str:token>/<int:score>/",
        follow_up_views.follow_up_link,
        name="follow-up-link",
    ),
    path("impact/", follow_up_views.impact_page, name="impact"),
    path("impact.csv", follow_up_views.impact_csv, name="impact-csv"),
    path("impact.geojson", follow_up_views.impact_geojson, name="impact-geojson"),
]
