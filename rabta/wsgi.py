import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rabta.settings")

application = get_wsgi_application()

# Refuse to serve with encryption keys that cannot read the stored data: better a worker that
# fails to boot, with the setting named in the log, than pages of garbage or 500s later.
from rabta.core.crypto import check_key_canary  # noqa: E402

check_key_canary()
