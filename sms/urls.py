from django.urls import path

from sms import verification_urls, views

app_name = "sms"
urlpatterns = [
    path("sms/inbound", views.inbound, name="inbound"),
    path("sms/status", views.delivery_status, name="status"),
    path("requests/<int:pk>/texts/", views.hand_over, name="hand-over"),
    path("relay/neighbours/<int:pk>/texts/", views.neighbour_texts, name="neighbour-texts"),
]
urlpatterns += verification_urls.urlpatterns
