from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True  # this module holds two app configs (the admin's below)
    name = "rabta.accounts"
    label = "accounts"
    verbose_name = "Accounts and KYC"

    def ready(self) -> None:
        from rabta.accounts import signals  # noqa: F401  (refreshes the administrators' group after migrate)
        from rabta.accounts.totp_keys import totp_key_field_encrypt

        totp_key_field_encrypt()


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin on Rabta's site, whose access and field rules follow accounts' roles."""

    default = False  # listed by its full path in INSTALLED_APPS; "rabta.accounts" still means AccountsConfig

    default_site = "rabta.accounts.admin_site.RabtaAdminSite"
