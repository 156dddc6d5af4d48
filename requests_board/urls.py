from django.urls import path

from requests_board import views

app_name = "board"
urlpatterns = [
    path("", views.home, name="home"),
]
