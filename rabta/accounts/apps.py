from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rabta.accounts"
    label = "accounts"
    verbose_name = "Accounts and KYC"

    def ready(self) -> None:
        from rabta.accounts import signals  # noqa: F401  (refreshes the administrators' group after migrate)
