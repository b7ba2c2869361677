"""Record that an account's identity document passed the check the deployment trusts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rabta.accounts.choices import DocumentType
from rabta.accounts.selectors import user_by_login
from rabta.accounts.services import IDENTITY_VERIFICATION_METHODS, identity_verify
from rabta.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Mark an account's identity document verified (docs/accounts.md): run it only once the "
        "document has passed the check this deployment trusts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("account", help="the account's email address or phone number, any spelling")
        parser.add_argument("doc_type", choices=DocumentType.values)
        parser.add_argument("--method", required=True, choices=IDENTITY_VERIFICATION_METHODS)
        parser.add_argument("--by", required=True, help="email address of the staff member who checked it")

    def handle(self, *args: Any, account: str, doc_type: str, method: str, by: str, **options: Any) -> None:
        user = user_by_login(account)
        staff = user_by_login(by)
        if user is None:
            raise CommandError(f"{account}: no such account")
        if staff is None or not staff.is_active:
            raise CommandError(f"{by}: no such staff account")
        document = user.identity_documents.filter(doc_type=doc_type).first()
        if document is None:
            raise CommandError(f"{account}: no {doc_type} on this account")
        try:
            identity_verify(document=document, verified_by=staff, method=method)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{document} verified ({method})")
