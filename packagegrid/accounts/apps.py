"""App configuration for `packagegrid.accounts`."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "packagegrid.accounts"
    verbose_name = "Accounts"
