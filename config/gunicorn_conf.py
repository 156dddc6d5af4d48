"""gunicorn's settings for the scaled setup's HTTP workers (`gunicorn -c
config/gunicorn_conf.py config.wsgi:application`; scripts/scaled and
deploy/systemd/entraide-http@.service)."""

import os

workers = int(os.environ.get("HTTP_WORKERS", "2"))
# A worker that leaks is replaced now and then, not all at once.
max_requests = 20000
max_requests_jitter = 2000
graceful_timeout = 10
# Requests answer in milliseconds; one that hangs this long is stuck.
timeout = 30


def child_exit(server, worker):
    """A worker gone (killed, or replaced after max_requests): its gauges
    leave the Prometheus totals (common.metrics)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
