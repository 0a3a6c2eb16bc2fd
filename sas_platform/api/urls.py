from django.urls import path

from sas_platform.api import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("auth/token/", apis.TokenObtainApi.as_view(), name="api-token"),
    path("communes/", apis.CommuneSearchApi.as_view(), name="api-communes"),
]
