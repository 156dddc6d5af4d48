"""The phone verification pages, added to sms/urls.py (the `sms` namespace)."""

from django.urls import path

from sms import verification_views

urlpatterns = [
    path("profile/phone/", verification_views.phone, name="phone"),
    path("profile/phone/code/", verification_views.phone_verify, name="phone-verify"),
    path("profile/phone/forget/", verification_views.phone_forget, name="phone-forget"),
]
