"""The embedded channel layer: groups, one payload per audience, bounded queues."""

from realtime.layers import OVERFLOW, LocalChannelLayer


async def test_group_send_reaches_members_only():
    layer = LocalChannelLayer()
    a, b, c = [await layer.new_channel() for _ in range(3)]
    await layer.group_add("user.1", a)
    await layer.group_add("user.1", b)
    await layer.group_add("user.2", c)
    event = {"type": "chat.message", "message": {"id": 1}}
    await layer.group_send("user.1", event)
    assert await layer.receive(a) is event  # shared, not copied per receiver
    assert await layer.receive(b) is event
    assert c not in layer.channels  # nothing was sent to it


async def test_a_channel_leaves_with_its_last_group():
    layer = LocalChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("user.1", channel)
    await layer.group_send("user.1", {"type": "x"})
    await layer.group_discard("user.1", channel)
    assert layer.channels == {} and layer.groups == {} and layer.memberships == {}


async def test_a_slow_reader_gets_an_overflow_instead_of_a_backlog():
    layer = LocalChannelLayer(capacity=10)
    channel = await layer.new_channel()
    await layer.group_add("user.1", channel)
    for i in range(25):
        await layer.group_send("user.1", {"type": "chat.message", "n": i})
    assert layer.channels[channel].qsize() <= 10
    received = [await layer.receive(channel) for _ in range(layer.channels[channel].qsize())]
    assert OVERFLOW in received


async def test_group_send_many_delivers_every_event_in_order_on_this_passs_layer():
    """The configured layer (in-process, or Redis pub/sub in the PostGIS
    pass): a batch of events reaches each group's channels, in order."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    first, second = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("user.901", first)
    await layer.group_add("user.902", second)
    try:
        await layer.group_send_many(
            [(f"user.{901 + i % 2}", {"type": "chat.message", "n": i}) for i in range(40)]
        )
        got_first = [(await layer.receive(first))["n"] for _ in range(20)]
        got_second = [(await layer.receive(second))["n"] for _ in range(20)]
    finally:
        await layer.group_discard("user.901", first)
        await layer.group_discard("user.902", second)
    assert got_first == list(range(0, 40, 2))
    assert got_second == list(range(1, 40, 2))
