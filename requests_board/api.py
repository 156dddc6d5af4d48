from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from requests_board import selectors


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(help_text="In the language of the request (Accept-Language).")
    name_en = serializers.CharField()
    name_fr = serializers.CharField()
    icon = serializers.CharField()


class CategoryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        return Response(CategorySerializer(selectors.categories_list(), many=True).data)
