"""Background tasks for the embedded setup: a django-tasks worker thread
inside the ASGI server process, so that `make run` is one process. The scaled
setup runs `manage.py db_worker` processes instead (TASKS_IN_PROCESS=0)."""

import logging
import threading
import time

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from chat.tasks import PERIODIC as CHAT_PERIODIC
from data_rights.tasks import PERIODIC as DATA_RIGHTS_PERIODIC
from requests_board.tasks import PERIODIC as BOARD_PERIODIC

PERIODIC = [*BOARD_PERIODIC, *CHAT_PERIODIC, *DATA_RIGHTS_PERIODIC]

logger = logging.getLogger(__name__)
_started = threading.Event()


def tasks_schedule_periodic() -> None:
    """Makes sure each self-rescheduling periodic task is queued (idempotent)."""
    for periodic in PERIODIC:
        pending = DBTaskResult.objects.filter(
            task_path=periodic.module_path, status__in=["READY", "RUNNING"]
        )
        if not pending.exists():
            periodic.enqueue()


def _run_forever() -> None:
    while True:
        try:
            close_old_connections()
            tasks_schedule_periodic()
            Worker(
                queue_names=["*"],
                interval=1.0,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"in-process-{threading.get_native_id()}",
                excluded_queue_names=[],
            ).run()
        except Exception:  # the worker must outlive a database hiccup
            logger.exception("In-process task worker stopped; restarting in 10 s")
            time.sleep(10)


def start_in_process_worker() -> None:
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_run_forever, name="tasks-worker", daemon=True).start()
