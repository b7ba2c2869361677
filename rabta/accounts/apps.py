from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rabta.accounts"
    label = "accounts"
    verbose_name = "Accounts and KYC"
