"""URLs of the web pages; the route names are used by `get_absolute_url` and the APIs."""

from django.urls import path

from packagegrid.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("packages/", views.package_list, name="packages"),
    path("packages/p/<str:slug>/", views.package_detail, name="package"),
    path("categories/<str:slug>/", views.category_detail, name="category"),
    path("grids/", views.grid_list, name="grids"),
    path("grids/g/<str:slug>/", views.grid_detail, name="grid"),
    path("search/", views.search, name="search"),
    path("health/", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots"),
]
