"""App configuration for `packagegrid.limits`: connects the login throttle."""

from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "packagegrid.limits"
    verbose_name = "Limits"

    def ready(self) -> None:
        from django.contrib import admin

        from packagegrid.limits import login
        from packagegrid.limits.admin import ThrottledAdminAuthenticationForm

        login.connect()
        admin.site.login_form = ThrottledAdminAuthenticationForm
