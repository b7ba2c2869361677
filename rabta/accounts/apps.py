from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rabta.accounts"
    label = "accounts"
    verbose_name = "Accounts and KYC"

    def ready(self) -> None:
        from rabta.accounts import signals  # noqa: F401  (refreshes the administrators' group after migrate)
        from rabta.accounts.totp_keys import totp_key_field_encrypt

        totp_key_field_encrypt()
