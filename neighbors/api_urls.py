from django.urls import path

from neighbors import api

urlpatterns = [
    path("auth/signup", api.SignupView.as_view(), name="api-signup"),
    path("auth/token", api.TokenView.as_view(), name="api-token"),
    path("me/notifications", api.NotificationSettingsView.as_view(), name="api-me-notifications"),
]
