"""Writes to the tariff: the HS import (``hs_import``), changes under review (``changes``) and the
system's own direct writes used by the import and the demo (``apply``)."""
