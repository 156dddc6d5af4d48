"""Group commit for websocket sends.

Every `message.send` on a worker goes through one writer per event loop:
while a batch is being committed, the next sends queue up, and they are
committed together in one transaction (services.messages_store). Each
sender still waits for its own row to be committed before its ack, but the
database sees one transaction per batch instead of one per message, and the
ORM runs on one thread per process (channels' database_sync_to_async).

Unlike database_sync_to_async, the writer keeps its thread's database
connection open between batches: opening one costs milliseconds (a
PostgreSQL session, or loading SpatiaLite), more than a whole batch. A
connection that failed is closed, so the next batch opens a fresh one.
"""

import asyncio
import logging

from asgiref.sync import sync_to_async
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from chat import services

MAX_BATCH = 256
logger = logging.getLogger(__name__)


class MessageWriter:
    def __init__(self):
        self.pending: list[tuple[services.Outgoing, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def send(self, item: services.Outgoing) -> tuple:
        """(message, created) once committed; raises what message_send raises."""
        future = asyncio.get_running_loop().create_future()
        self.pending.append((item, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.pending:
            batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
            items = [item for item, _future in batch]
            try:
                results = await sync_to_async(_store, thread_sensitive=True)(items)
            except (OperationalError, InterfaceError) as exc:
                # The database is unreachable: nothing was stored, and trying
                # each message alone would only wait for it once per message.
                results = [exc] * len(batch)
            except Exception:
                # Something in one message failed the whole transaction:
                # store them one by one, so that it fails alone and the
                # others are stored and acknowledged.
                results = await sync_to_async(_store_each, thread_sensitive=True)(items)
            for (_item, future), result in zip(batch, results, strict=True):
                if future.done():  # the sender disconnected meanwhile
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)


def _store(batch: list[services.Outgoing]) -> list:
    try:
        return services.messages_store(batch)
    except DatabaseError:
        connections.close_all()  # never reuse a broken connection
        raise


def _store_each(batch: list[services.Outgoing]) -> list:
    results = []
    for item in batch:
        try:
            (result,) = _store([item])
        except Exception as exc:
            if not isinstance(exc, DatabaseError):
                logger.exception("a message failed to store")
            result = exc
        results.append(result)
    return results


_writers: dict[asyncio.AbstractEventLoop, MessageWriter] = {}


def writer() -> MessageWriter:
    """The writer of the running event loop (one per worker process)."""
    loop = asyncio.get_running_loop()
    found = _writers.get(loop)
    if found is None:
        for old in [old for old in _writers if old.is_closed()]:
            del _writers[old]
        found = _writers[loop] = MessageWriter()
    return found
