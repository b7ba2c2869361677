"""gunicorn settings for the embedded default (`make run`): no Celery beat runs there, so the
master process runs the periodic sweeps itself, every RABTA_SWEEP_SECONDS (default 900).

Only the master runs them (never the workers), so there is one scheduler however many workers
serve; the sweeps are idempotent anyway. Each sweep is a separate `rabta escalate` process, so a
failure in one never touches the server. Production uses `celery -A rabta beat` instead.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from rabta.core.config import env_int
from rabta.core.gunicorn_errors import install as install_json_errors

install_json_errors()  # gunicorn's own 400/414/431 answers in the one error format, not HTML

# At least 5 seconds whatever is asked: a tighter loop would only queue sweeps behind each other.
INTERVAL_SECONDS = max(5, env_int("RABTA_SWEEP_SECONDS", default=900, minimum=1))
SWEEP_TIMEOUT_SECONDS = 600
_stop = threading.Event()


def _loop(log: Any) -> None:
    command = [str(Path(sys.executable).with_name("rabta")), "escalate"]
    while not _stop.wait(INTERVAL_SECONDS):
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=SWEEP_TIMEOUT_SECONDS, check=False)  # noqa: S603
        except (OSError, subprocess.SubprocessError) as exc:  # keep the scheduler alive; try again next time
            log.error("periodic sweep failed: %s", exc)
            continue
        log.info("periodic sweep: %s", (result.stdout or result.stderr).strip()[-300:])


def when_ready(server: Any) -> None:
    threading.Thread(target=_loop, args=(server.log,), name="rabta-sweeps", daemon=True).start()


def on_exit(server: Any) -> None:
    _stop.set()


# Access and error lines are masked like every other log line (URLs carry reset and tracking tokens).
logger_class = "rabta.core.logmask.GunicornLogger"
