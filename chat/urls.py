from django.urls import path

from chat import views

app_name = "chat"
urlpatterns = [
    path("conversations/", views.conversation_list, name="conversations"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation"),
]
