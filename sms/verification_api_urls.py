from django.urls import path

from sms import verification_api

urlpatterns = [
    path("me/phone", verification_api.MePhoneView.as_view(), name="api-me-phone"),
    path(
        "me/phone/verify",
        verification_api.MePhoneVerifyView.as_view(),
        name="api-me-phone-verify",
    ),
]
