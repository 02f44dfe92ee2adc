"""The data dumps page and its files."""

from django.urls import path

from packagegrid.dumps import views

urlpatterns = [
    path("data/", views.data_index, name="data"),
    path("data/<str:name>", views.data_file, name="data-file"),
]
