"""URLs of search: the results page, the type-ahead and the OpenSearch description."""

from django.urls import path

from packagegrid.search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="search-suggest"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
