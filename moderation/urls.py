from django.urls import path

from moderation import views

app_name = "moderation"
urlpatterns = [
    path("blocks/", views.block_list, name="blocks"),
    path("blocks/<int:user_id>/", views.block_change, name="block"),
]
