"""The ceiling for bench/chat_load.py: a minimal hand-written `websockets`
relay on uvloop, speaking the /ws/ protocol's message.send subset with the
same frames as the app (an ack to the sender, message.new to every
connection of both participants, the app's message payload), no database.

    python bench/_chat_relay.py --port P --population FILE [--drop N] ...

FILE is JSON: {"tokens": {ticket: user id}, "conversations": {id: [a, b]}};
the driver connects with ?ticket=<ticket> (no HTTP ticket step).

Faults, to check that the benchmark's accounting sees them: --drop N skips
every Nth delivery to the peer (the sender still gets its ack: a lost acked
message), --dup N sends every Nth peer delivery twice, --reorder N holds
every Nth peer delivery back until the next one to that peer has gone,
--close N closes the sender's socket (code 1011) on its Nth message overall.
"""

import argparse
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import uvloop
from websockets.asyncio.server import broadcast, serve


class Relay:
    def __init__(self, population: dict, args):
        self.tokens = population["tokens"]
        self.conversations = {int(k): tuple(v) for k, v in population["conversations"].items()}
        self.connections: dict[int, set] = {}
        self.next_id = 0
        self.args = args
        self.peer_deliveries = 0
        self.held: dict[int, str] = {}  # user id -> a delivery held back (--reorder)

    def deliver_to_peer(self, user: int, frame: str) -> None:
        """One message.new to every connection of the peer, with the faults."""
        args = self.args
        self.peer_deliveries += 1
        n = self.peer_deliveries
        targets = self.connections.get(user, ())
        if args.drop and n % args.drop == 0:
            return
        if args.reorder and n % args.reorder == 0 and user not in self.held:
            self.held[user] = frame
            return
        broadcast(targets, frame)
        if args.dup and n % args.dup == 0:
            broadcast(targets, frame)
        held = self.held.pop(user, None)
        if held is not None:
            broadcast(targets, held)

    async def handler(self, ws) -> None:
        query = parse_qs(urlsplit(ws.request.path).query)
        user = self.tokens.get((query.get("ticket") or [""])[0])
        if user is None:
            await ws.close(4401)
            return
        self.connections.setdefault(user, set()).add(ws)
        loads, dumps = json.loads, json.dumps
        try:
            async for text in ws:
                try:
                    frame = loads(text)
                    kind = frame.get("type")
                except (ValueError, AttributeError):
                    kind = None
                if kind != "message.send":
                    error = {
                        "type": "error",
                        "code": "unknown_type",
                        "detail": "",
                        "client_id": None,
                    }
                    broadcast((ws,), dumps(error))
                    continue
                conversation = frame.get("conversation")
                members = self.conversations.get(conversation)
                if members is None or user not in members:
                    error = {
                        "type": "error",
                        "code": "not_found",
                        "detail": "No such conversation.",
                        "client_id": frame.get("client_id"),
                    }
                    broadcast((ws,), dumps(error))
                    continue
                self.next_id += 1
                if self.args.close and self.next_id % self.args.close == 0:
                    await ws.close(1011, "relay fault")
                    return
                message = {
                    "id": self.next_id,
                    "conversation": conversation,
                    "sender": user,
                    "body": frame.get("body"),
                    "hidden": False,
                    "client_id": frame.get("client_id"),
                    "created_at": datetime.now(UTC).isoformat(),
                }
                broadcast(
                    (ws,),
                    dumps(
                        {
                            "type": "message.ack",
                            "client_id": message["client_id"],
                            "message": message,
                        }
                    ),
                )
                new = dumps({"type": "message.new", "message": message})
                for member in members:
                    if member == user:
                        broadcast(self.connections.get(member, ()), new)
                    else:
                        self.deliver_to_peer(member, new)
        finally:
            self.connections[user].discard(ws)


async def main(args) -> None:
    with open(args.population) as f:
        relay = Relay(json.load(f), args)
    async with serve(
        relay.handler,
        "127.0.0.1",
        args.port,
        compression=None,
        max_size=65536,
        ping_interval=20,
        ping_timeout=30,
    ) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--population", required=True)
    for fault in ("drop", "dup", "reorder", "close"):
        parser.add_argument(f"--{fault}", type=int, default=0)
    uvloop.run(main(parser.parse_args()))
