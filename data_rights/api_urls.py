from django.urls import path

from data_rights import api

urlpatterns = [
    path("me", api.MeView.as_view(), name="api-me"),
    path("me/export", api.ExportView.as_view(), name="api-me-export"),
]
