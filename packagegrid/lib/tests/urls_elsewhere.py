"""A URLconf for tests that swap ROOT_URLCONF: one route, "home", somewhere else."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _nothing(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


urlpatterns = [path("elsewhere/", _nothing, name="home")]
