from django.urls import path

from neighbors import views

app_name = "neighbors"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/notifications/", views.notifications, name="notifications"),
    path("welcome/home/", views.home_step, name="home-step"),
    path("email/stop/<str:token>/", views.email_stop, name="email-stop"),
]
