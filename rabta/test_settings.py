"""Settings for the test suite: the `test` profile of rabta.settings (fixed throw-away keys, fast hashing)."""

import os

os.environ["RABTA_ENV"] = "test"

from rabta.settings import *  # noqa: F403

# Tests never talk to a broker: tasks run in-process even when CELERY_BROKER_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
RABTA_SMS_BACKEND = "rabta.notifications.senders.LocmemSmsSender"
# WhiteNoise warns for every new test client when the collected-static folder is missing (over a
# hundred warnings a run, burying real ones); tests serve no collected files, an empty folder will do.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Lane selection draws no random declarations and tops up no lane unless a test says so
# (rabta/risk/tests set RABTA_RISK_RATES and a seeded random source), so other apps' lanes stay fixed.
RABTA_RISK_RATES = ()
