"""gunicorn settings for edudesk's production mode.

Used by `make run-prod` and by `gunicorn -c deploy/gunicorn.conf.py` on any web machine.

Every value can be overridden by the environment: WEB_BIND, WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT.
"""

import multiprocessing
import os
import shutil
from pathlib import Path

_VAR = Path(os.environ.get("EDUDESK_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))

wsgi_app = "edudesk.wsgi:application"
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# CPU-bound Django work: a couple of processes per core; PostgreSQL on the same machine needs its share.
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Load the application once in the master: workers share its memory pages (copy-on-write).
preload_app = True
# Recycle workers now and then so that no slow leak can grow a worker without bound.
max_requests = 5000
max_requests_jitter = 500
# edudesk's middleware logs every request (JSON with LOG_JSON=true); gunicorn's own access log is off.
accesslog = None
errorlog = "-"
# One shared control socket per user would make two gunicorn masters on a machine collide.
control_socket_disable = True

# Several workers each keep Prometheus counters: they write them to files in one directory that
# any worker's /metrics aggregates. The variable must be set before prometheus_client is imported.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_VAR / "prometheus"))


def on_starting(server):
    """Start with an empty metrics directory: files of a previous run would be summed in."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A dead worker's gauges must not be reported as live."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
