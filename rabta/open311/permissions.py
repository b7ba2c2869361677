"""Who may do what through Open311. Reading is public (GeoReport v2's GET endpoints need no key, and
they show only what the public may read: ``rabta.open311.selectors.request_row``). Filing a request,
and reading or pushing updates, needs the API key of an active client application; a client pushes
updates only on the requests it filed itself."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rabta.core.crypto import lookup_hash
from rabta.core.errors import Forbidden, NotFound, field_errors
from rabta.open311.errors import Open311Error
from rabta.open311.models import ClientApplication, Filing

KEY_PURPOSE = "open311-api-key"


def key_hash(key: str) -> str:
    return lookup_hash(key.strip(), purpose=KEY_PURPOSE)


def client_for_key(key: str | None) -> ClientApplication:
    """The active client application this API key belongs to; 403 otherwise (GeoReport v2: an
    api_key that is missing or invalid is a 403)."""
    if not key or not key.strip():
        raise Forbidden.for_field(
            "api_key", Open311Error.API_KEY_REQUIRED, _("An api_key is required for this request.")
        )
    client = ClientApplication.objects.filter(key_hash=key_hash(key)).first()
    if client is None:
        raise Forbidden.for_field("api_key", Open311Error.API_KEY_INVALID, _("This api_key is not valid."))
    if not client.active:
        raise Forbidden.for_field("api_key", Open311Error.CLIENT_REVOKED, _("This api_key has been revoked."))
    return client


def require_filer(client: ClientApplication, filing: Filing | None) -> Filing:
    """Updates are pushed only by the client that filed the request. Any other request reads as
    unknown to it (404), as an item outside a reader's scope does everywhere in Rabta."""
    if filing is None or filing.client_id != client.pk:
        raise not_found(
            "service_request_id", Open311Error.NOT_FILED_BY_CLIENT, _("This client filed no such service request.")
        )
    return filing


def not_found(field: str, code: Open311Error, message: str) -> NotFound:
    """A 404 that still names the parameter and the reason."""
    error = NotFound(message)
    error.fields = field_errors((field, code, message))
    return error
