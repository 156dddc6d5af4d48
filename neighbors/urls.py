from django.urls import path

from neighbors import views

app_name = "neighbors"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("account/export/", views.account_export, name="account-export"),
    path("account/delete/", views.account_delete, name="account-delete"),
]
