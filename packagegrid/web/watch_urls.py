"""URLs of watching: the watch buttons, the watch list, the private feed, unsubscribing."""

from django.urls import path

from packagegrid.web import watch_views as views

urlpatterns = [
    path("packages/<str:slug>/watch/", views.package_watch, name="package-watch"),
    path("grids/<str:slug>/watch/", views.grid_watch, name="grid-watch"),
    path("watching/", views.watching, name="watching"),
    path("watching/feed-token/", views.watch_feed_token, name="watch-feed-token"),
    path("watching/feed/<str:token>/", views.WatchFeed(), name="watch-feed"),
    path("watching/unsubscribe/<str:token>/", views.watch_unsubscribe, name="watch-unsubscribe"),
]
