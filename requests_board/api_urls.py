from django.urls import path

from requests_board import api

urlpatterns = [
    path("categories", api.CategoryListView.as_view(), name="api-categories"),
]
