"""URLs of the web pages; the route names are used by `get_absolute_url` and the APIs."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from packagegrid.lib import ids  # noqa: F401  # registers the `<id:...>` converter
from packagegrid.web import compare, feeds, grid_views, package_views, site_views, views
from packagegrid.web.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("packages/", views.package_list, name="packages"),
    path("packages/p/<str:slug>/", views.package_detail, name="package"),
    path("trending/", views.trending, name="trending"),
    path("categories/<str:slug>/", views.category_detail, name="category"),
    path("grids/", grid_views.grid_list, name="grids"),
    path("grids/g/<str:slug>/", grid_views.grid_detail, name="grid"),
    # The grid editor; /grids/add/ and /grids/<slug>/edit/ are djangopackages.org's paths.
    path("grids/add/", grid_views.grid_add, name="grid-add"),
    path("grids/<str:slug>/edit/", grid_views.grid_edit, name="grid-edit"),
    path("grids/<str:slug>/lock/", grid_views.grid_lock, name="grid-lock"),
    path("grids/<str:slug>/delete/", grid_views.grid_delete_confirm, name="grid-delete"),
    path("grids/<str:slug>/history/", grid_views.grid_history_page, name="grid-history"),
    path(
        "grids/<str:slug>/history/<id:record_id>/revert/",
        grid_views.grid_revert,
        name="grid-revert",
    ),
    path("grids/<str:slug>/packages/add/", grid_views.grid_package_add, name="grid-package-add"),
    path(
        "grids/<str:slug>/packages/<str:package_slug>/remove/",
        grid_views.grid_package_remove,
        name="grid-package-remove",
    ),
    path("grids/<str:slug>/features/add/", grid_views.grid_feature_add, name="grid-feature-add"),
    path(
        "grids/<str:slug>/features/<id:feature_id>/edit/",
        grid_views.grid_feature_edit,
        name="grid-feature-edit",
    ),
    path(
        "grids/<str:slug>/features/<id:feature_id>/delete/",
        grid_views.grid_feature_delete,
        name="grid-feature-delete",
    ),
    path(
        "grids/<str:slug>/cells/<id:package_id>/<id:feature_id>/",
        grid_views.grid_cell_detail,
        name="grid-cell",
    ),
    path(
        "grids/<str:slug>/cells/<id:package_id>/<id:feature_id>/edit/",
        grid_views.grid_cell_edit,
        name="grid-cell-edit",
    ),
    path("health/", views.health, name="health"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Adding and editing packages; /packages/add/ and /packages/<slug>/edit/ are
    # djangopackages.org's paths.
    path("packages/add/", package_views.package_add, name="package-add"),
    path("packages/<str:slug>/edit/", package_views.package_edit, name="package-edit"),
    path(
        "packages/<str:slug>/history/",
        package_views.package_history_page,
        name="package-history",
    ),
    path(
        "packages/<str:slug>/history/<id:record_id>/revert/",
        package_views.package_revert,
        name="package-revert",
    ),
    path("compare/", compare.compare_picked, name="compare-picked"),
    path("compare/<str:slugs>/", compare.compare, name="compare"),
    # Feeds and the sitemap at djangopackages.org's paths (plus releases and grids).
    path("feeds/packages/latest/rss/", feeds.LatestPackagesFeed(), name="feed-packages-rss"),
    path("feeds/packages/latest/atom/", feeds.LatestPackagesAtomFeed(), name="feed-packages-atom"),
    path("feeds/releases/latest/rss/", feeds.LatestReleasesFeed(), name="feed-releases-rss"),
    path("feeds/releases/latest/atom/", feeds.LatestReleasesAtomFeed(), name="feed-releases-atom"),
    path(
        "feeds/packages/<str:slug>/releases/rss/",
        feeds.PackageReleasesFeed(),
        name="feed-package-releases-rss",
    ),
    path(
        "feeds/packages/<str:slug>/releases/atom/",
        feeds.PackageReleasesAtomFeed(),
        name="feed-package-releases-atom",
    ),
    path("feeds/grids/<str:slug>/rss/", feeds.GridPackagesFeed(), name="feed-grid-rss"),
    path("feeds/grids/<str:slug>/atom/", feeds.GridPackagesAtomFeed(), name="feed-grid-atom"),
    path(
        "feeds/categories/<str:slug>/rss/", feeds.CategoryPackagesFeed(), name="feed-category-rss"
    ),
    path(
        "feeds/categories/<str:slug>/atom/",
        feeds.CategoryPackagesAtomFeed(),
        name="feed-category-atom",
    ),
    path("feeds/lifecycle/rss/", feeds.LifecycleChangesFeed(), name="feed-lifecycle-rss"),
    path("feeds/lifecycle/atom/", feeds.LifecycleChangesAtomFeed(), name="feed-lifecycle-atom"),
    path("search/feed/", feeds.SearchFeed(), name="feed-search-rss"),
    path("search/feed/atom/", feeds.SearchAtomFeed(), name="feed-search-atom"),
    path("llms.txt", site_views.llms_txt, name="llms-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("about/", site_views.about, name="about"),
]
