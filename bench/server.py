"""The real server (gunicorn + rabta.wsgi) as a subprocess in its own process group.

Its own process group lets the crash test SIGKILL the master and every worker at once, the way a
machine losing power or the OOM killer would, with no chance to finish requests or flush anything.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, *, env: dict[str, str], port: int, workers: int, log_path: Path) -> None:
        self.env = env
        self.port = port
        self.workers = workers
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        # Same server and options as `make run`, minus the access log (it would cost the loopback
        # benchmark a write per request that a production deployment sends to its proxy instead).
        return [
            gunicorn,
            "rabta.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--graceful-timeout",
            "20",
            "--timeout",
            "60",
            "--backlog",
            "2048",
        ]

    def start(self, *, timeout_s: float = 60.0) -> None:
        env = {**os.environ, **self.env, "PYTHONPATH": str(PROJECT_DIR)}
        with self.log_path.open("ab") as log:

            def spawn(command: list[str]) -> subprocess.Popen[bytes]:
                # Each in a session of its own, so that kill() can SIGKILL all its processes at once.
                return subprocess.Popen(
                    command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )

            self.process = spawn(self.command())
            if self.env.get("CELERY_BROKER_URL"):
                # Production shape: a Celery worker delivers what the requests queue (notifications),
                # on the same cores as the server. The crash benchmark's SIGKILL takes it down with
                # the server, as a machine failure would.
                self.worker = spawn(self.worker_command())
        self.wait_ready(timeout_s=timeout_s)

    @staticmethod
    def worker_command() -> list[str]:
        celery = str(Path(sys.executable).with_name("celery"))
        return [celery, "-A", "rabta", "worker", "--concurrency", "1", "--loglevel", "WARNING",
                "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip

    def wait_ready(self, *, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn not ready on port {self.port} after {timeout_s:.0f} s; see {self.log_path}")

    def sessions(self) -> list[int]:
        """The process sessions serving (each was started as a session leader): for bench/cpu.py."""
        return [process.pid for process in (self.process, self.worker) if process is not None]

    def kill(self) -> None:
        """SIGKILL the whole process group: master and workers die mid-request."""
        if self.process is None:
            return
        for process in (self.process, self.worker):
            if process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        for process in (self.process, self.worker):
            if process is not None:
                process.wait()
        self.process = self.worker = None

    def stop(self) -> None:
        if self.process is None:
            return
        for process in (self.process, self.worker):
            if process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
            if self.worker is not None:
                self.worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = self.worker = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
