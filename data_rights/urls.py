from django.urls import path

from data_rights import views

app_name = "data_rights"
urlpatterns = [
    path("account/export/", views.account_export, name="account-export"),
    path("account/delete/", views.account_delete, name="account-delete"),
    path(
        "relay/neighbours/<int:pk>/withdraw/",
        views.kept_neighbour_withdraw,
        name="kept-neighbour-withdraw",
    ),
]
