"""An in-process channel layer that costs O(1) per message.

Channels' InMemoryChannelLayer scans every channel and group for expiry on
each receive and group_send (STACK-FACTS.md), so each message costs more as
connections grow, and it deep-copies every message for every receiver. This
one keeps, per channel, a bounded queue and the groups it belongs to; a
channel leaves the layer when it leaves its last group (consumers discard
their groups on disconnect). A receiver that falls `capacity` messages
behind gets its queue replaced by one `layer.overflow` event: the consumer
closes with 4408 and the client resyncs, so a slow reader cannot make the
server hold an unbounded backlog.
"""

import asyncio
import secrets

from channels.layers import BaseChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

OVERFLOW = {"type": "layer.overflow"}


class LocalChannelLayer(BaseChannelLayer):
    extensions = ["groups", "flush"]

    def __init__(self, capacity=200, **kwargs):
        super().__init__(capacity=capacity, **kwargs)
        self.channels: dict[str, asyncio.Queue] = {}
        self.groups: dict[str, set[str]] = {}
        self.memberships: dict[str, set[str]] = {}

    def _queue(self, channel: str) -> asyncio.Queue:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.capacity)
        return queue

    def _put(self, channel: str, message: dict) -> None:
        queue = self._queue(channel)
        try:
            queue.put_nowait(message)
        except asyncio.QueueFull:
            while not queue.empty():
                queue.get_nowait()
            queue.put_nowait(OVERFLOW)

    async def send(self, channel, message):
        assert isinstance(message, dict), "message is not a dict"  # noqa: S101 (layer contract)
        self.require_valid_channel_name(channel)
        self._put(channel, message)

    async def receive(self, channel):
        self.require_valid_channel_name(channel)
        return await self._queue(channel).get()

    async def new_channel(self, prefix="specific."):
        return f"{prefix}.local!{secrets.token_urlsafe(9)}"

    async def group_add(self, group, channel):
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        self.groups.setdefault(group, set()).add(channel)
        self.memberships.setdefault(channel, set()).add(group)

    async def group_discard(self, group, channel):
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        members = self.groups.get(group)
        if members is not None:
            members.discard(channel)
            if not members:
                del self.groups[group]
        joined = self.memberships.get(channel)
        if joined is not None:
            joined.discard(group)
            if not joined:
                del self.memberships[channel]
                self.channels.pop(channel, None)

    async def group_send(self, group, message):
        assert isinstance(message, dict), "message is not a dict"  # noqa: S101 (layer contract)
        self.require_valid_group_name(group)
        # One payload for the whole audience: receivers only read it.
        for channel in tuple(self.groups.get(group, ())):
            self._put(channel, message)

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        for group, message in sends:
            await self.group_send(group, message)

    async def flush(self):
        self.channels.clear()
        self.groups.clear()
        self.memberships.clear()

    async def close(self):
        pass


class BatchedRedisPubSubLayer(RedisPubSubChannelLayer):
    """channels_redis's pub/sub layer, plus `group_send_many`: a batch of
    group messages in one round trip per shard, in order.

    The stock layer publishes one message at a time under a per-connection
    lock, so a worker's events queued behind each other's round trips and
    deliveries fell behind acknowledgements (bench/chat_load.py). Relies on
    channels_redis 4.3's shard objects (pinned in requirements)."""

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        layer = self._get_layer()
        by_shard: dict = {}
        for group, message in sends:
            channel = layer._get_group_channel_name(group)
            by_shard.setdefault(layer._get_shard(channel), []).append(
                (channel, self.serialize(message))
            )
        for shard, items in by_shard.items():
            async with shard._lock:
                shard._ensure_redis()
                pipe = shard._redis.pipeline(transaction=False)
                for channel, data in items:
                    pipe.publish(channel, data)
                await pipe.execute()
