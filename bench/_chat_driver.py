"""One load-driver process of bench/chat_load.py (multiprocessing, spawn).

It owns some pairs (both sides of each, so that a message's send time and
its delivery time come from the same clock), connects them with the
`websockets` asyncio client on uvloop, and on command runs a step of the
ladder: an open-loop schedule of message.send frames spread over its
senders, then a drain, then its counts and samples go back through the
pipe. The orchestrator merges the drivers' answers.

Receiving bypasses the library's per-connection queue: frames go from the
protocol straight to `Driver.on_frame` (a ClientConnection subclass,
connect(create_connection=...)), and sends use `websockets.broadcast`,
which writes without waiting for the write buffer to drain, so one socket
the server stops reading cannot hold back the schedule (open loop).

Accounting, per message (keyed by its client_id, a uuid4):
  ack        the sender's message.ack: ack latency, the stored id;
  delivery   the peer's message.new: delivery latency (receive - send);
  echo       the sender's own copy of message.new (the app sends events to
             both participants);
  lost       acked, never delivered to the peer by the end of the drain;
  unacked    sent, neither acked nor refused with an error frame;
  dup        a message id a connection already had (or a second id for a
             client_id: two rows for one send);
  order      a message.new whose id is below the last one that connection
             saw (its conversation's ids must increase), a peer's message
             arriving before one its sender sent earlier, or an ack whose
             id is below the sender's previous ack.
"""

import asyncio
import gc
import json
import math
import re
import signal
import time
import uuid
from array import array
from collections import Counter
from random import Random

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.frames import Opcode
from websockets.protocol import State

TICKET = re.compile(rb'"ticket"\s*:\s*"([^"]+)"')


class Record:
    __slots__ = ("ack_t", "deliver_t", "done", "echo_t", "error", "mid", "sched_t", "send_t")
    __slots__ += ("sender", "seq", "step")

    def __init__(self, sender, seq, step, sched_t, send_t):
        self.sender = sender
        self.seq = seq
        self.step = step
        self.sched_t = sched_t
        self.send_t = send_t
        self.ack_t = self.deliver_t = self.echo_t = 0.0
        self.mid = 0
        self.error = None
        self.done = False


class Step:
    def __init__(self, index: int, rate: float, duration: float):
        self.index = index
        self.rate = rate
        self.duration = duration
        self.records: list[Record] = []
        self.pending = 0
        self.skipped = 0  # not sent: the socket was already closed
        self.dup = 0
        self.order = Counter()
        self.errors = Counter()
        self.closes = Counter()
        self.unknown = 0  # message.new for a client_id this driver never sent
        self.other = Counter()  # other frame types
        self.lag = array("d")


class Side:
    """One websocket: the requester or the volunteer of a pair."""

    __slots__ = ("closed", "conversation", "index", "last_ack_mid", "last_ack_seq", "last_new")
    __slots__ += ("last_peer_seq", "peer", "role", "seen", "sent", "server", "ticket", "token")
    __slots__ += ("user", "ws")

    def __init__(self, index, role, user, token, conversation, server):
        self.index = index
        self.role = role
        self.user = user
        self.token = token
        self.conversation = conversation
        self.server = server
        self.peer = None
        self.ws = None
        self.ticket = None
        self.sent = 0
        self.last_new = 0
        self.last_peer_seq = 0
        self.last_ack_seq = 0
        self.last_ack_mid = 0
        self.seen: set[int] = set()
        self.closed = None


class BenchConnection(ClientConnection):
    """Text frames go straight to the driver, once the handshake is done."""

    driver = None  # set per process

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.side = None
        self.early: list[bytes] = []

    def process_event(self, event) -> None:
        if self.response is not None and event.opcode is Opcode.TEXT and event.fin:
            if self.side is None:
                self.early.append(event.data)
            else:
                self.driver.on_frame(self.side, event.data)
        elif self.response is not None and event.opcode in (Opcode.BINARY, Opcode.CONT):
            self.driver.anomalies["binary or fragmented frame"] += 1
        else:
            super().process_event(event)


def frame_body(target_bytes: int, conversation: int) -> str:
    """A body that makes the message.send frame about target_bytes long."""
    from _chat_population import BODY_MARK

    empty = (
        f'{{"type":"message.send","conversation":{conversation},"body":"",'
        f'"client_id":"{uuid.uuid4()}"}}'
    )
    filler = "Bonjour, je passe vers 10 h avec les courses, ca vous va ? " * 40
    room = max(target_bytes - len(empty) - len(BODY_MARK) - 1, 1)
    return f"{BODY_MARK} {filler[:room]}"


class Driver:
    def __init__(self, pipe, spec: dict):
        self.pipe = pipe
        self.spec = spec
        self.origin = spec["origin"]
        self.ticket_mode = spec["ticket_mode"]  # "http" or "direct" (the relay)
        self.records: dict[str, Record] = {}
        self.steps: list[Step] = []
        self.step: Step | None = None
        self.closing = False
        self.anomalies = Counter()
        self.sides: list[Side] = []
        for pair in spec["pairs"]:
            conversation = pair["conversation"]
            a = Side(len(self.sides), "requester", **pair["requester"], conversation=conversation)
            b = Side(
                len(self.sides) + 1, "volunteer", **pair["volunteer"], conversation=conversation
            )
            a.peer, b.peer = b, a
            self.sides += [a, b]
        self.senders = list(self.sides)
        Random(spec["seed"]).shuffle(self.senders)
        typical = spec["pairs"][0]["conversation"] if spec["pairs"] else 1
        self.body = frame_body(spec["frame_bytes"], typical)
        self.loads = json.loads
        BenchConnection.driver = self

    # --- commands --------------------------------------------------------------

    async def command(self):
        return await asyncio.get_running_loop().run_in_executor(None, self.pipe.recv)

    async def run(self) -> None:
        while True:
            try:
                cmd = await self.command()
            except EOFError:  # the orchestrator is gone
                cmd = {"cmd": "close"}
            name = cmd["cmd"]
            if name == "warmup":
                self.pipe.send(await self.warmup(cmd["rounds"]))
            elif name == "tickets":
                self.pipe.send(await self.tickets_all())
            elif name == "connect":
                self.pipe.send(await self.connect_all())
            elif name == "step":
                self.pipe.send(await self.run_step(cmd))
            elif name == "finish":
                self.pipe.send(await self.finish(cmd["drain"]))
            elif name == "close":
                await self.close_all()
                try:
                    self.pipe.send({"closed": True})
                except OSError:
                    pass
                return

    # --- connecting ------------------------------------------------------------

    async def ticket(self, side: Side) -> str:
        if self.ticket_mode == "direct":
            return side.token
        host, port = side.server.split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(
                (
                    f"POST /api/v1/ws-ticket HTTP/1.1\r\nHost: {side.server}\r\n"
                    f"Authorization: Token {side.token}\r\nAccept: application/json\r\n"
                    "Content-Length: 0\r\nConnection: close\r\n\r\n"
                ).encode()
            )
            data = await asyncio.wait_for(reader.read(), 30)
        finally:
            writer.close()
        status = data.split(b" ", 2)[1] if data.startswith(b"HTTP/") else b"?"
        found = TICKET.search(data)
        if status != b"201" or found is None:
            raise RuntimeError(f"ws-ticket answered {status.decode()}: {data[-200:]!r}")
        return found.group(1).decode()

    async def tickets_all(self) -> dict:
        """A ticket for every side, before any socket opens (they live 60 s),
        so that the server's memory after these HTTP requests can be told
        apart from its memory with the sockets open."""
        started = time.perf_counter()
        gate = asyncio.Semaphore(self.spec["connect_concurrency"])
        failures = Counter()

        async def one(side: Side):
            async with gate:
                try:
                    side.ticket = await self.ticket(side)
                except (OSError, RuntimeError, TimeoutError) as exc:
                    failures[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1

        await asyncio.gather(*(one(side) for side in self.sides))
        return {
            "tickets": sum(1 for s in self.sides if s.ticket),
            "failures": dict(failures),
            "seconds": time.perf_counter() - started,
        }

    async def open_side(self, side: Side, plain: bool = False):
        ticket, side.ticket = side.ticket or await self.ticket(side), None
        ws = await connect(
            f"ws://{side.server}/ws/?ticket={ticket}",
            origin=self.origin,
            compression="deflate" if self.spec["deflate"] else None,
            ping_interval=None,  # the servers ping; the client answers
            open_timeout=60,
            close_timeout=5,
            max_size=2**20,
            create_connection=None if plain else BenchConnection,
        )
        return ws

    async def watch(self, side: Side) -> None:
        await side.ws.wait_closed()
        if not self.closing:
            side.closed = (side.ws.close_code, side.ws.close_reason)
            step = self.step or (self.steps[-1] if self.steps else None)
            key = f"{side.ws.close_code} {side.ws.close_reason or ''}".strip()
            if step is not None:
                step.closes[key] += 1
            else:
                self.anomalies[f"closed while idle: {key}"] += 1

    async def connect_all(self) -> dict:
        """Every side: a ticket (unless fetched already), then the socket. A
        socket the server closes right after the handshake (4401: the ticket
        was not honoured) counts as a failure and gets another ticket, up
        to three rounds."""
        started = time.perf_counter()
        gate = asyncio.Semaphore(self.spec["connect_concurrency"])
        failures = Counter()

        async def one(side: Side):
            async with gate:
                try:
                    ws = await self.open_side(side)
                except (OSError, RuntimeError, InvalidHandshake, TimeoutError) as exc:
                    status = exc.response.status_code if isinstance(exc, InvalidStatus) else ""
                    failures[f"{type(exc).__name__} {status}".strip()] += 1
                    return
                ws.side = side
                side.ws = ws
                for data in ws.early:
                    self.on_frame(side, data)
                ws.early.clear()

        for _round in range(3):
            todo = [side for side in self.sides if side.ws is None]
            if not todo:
                break
            await asyncio.gather(*(one(side) for side in todo))
            await asyncio.sleep(1.0)
            for side in todo:
                if side.ws is not None and side.ws.state is not State.OPEN:
                    await asyncio.wait([asyncio.ensure_future(side.ws.wait_closed())], timeout=5)
                    failures[f"closed {side.ws.close_code} right after the handshake"] += 1
                    side.ws = None
        self.watchers = [asyncio.ensure_future(self.watch(s)) for s in self.sides if s.ws]
        connected = sum(1 for s in self.sides if s.ws is not None)
        return {
            "connected": connected,
            "wanted": len(self.sides),
            "failures": dict(failures),
            "seconds": time.perf_counter() - started,
        }

    async def warmup(self, rounds: int) -> dict:
        """The first pair, with the plain client API: each side sends and
        waits for its ack and for the peer's copy; then both close. Loads
        whatever the server loads lazily before the idle baseline."""
        started = time.perf_counter()
        a, b = self.sides[0], self.sides[1]
        wa = await self.open_side(a, plain=True)
        wb = await self.open_side(b, plain=True)
        sent = 0

        async def until(ws, kind, client_id):
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == "error":
                    raise RuntimeError(f"warm-up answered {frame}")
                if frame["type"] == kind and client_id in (
                    frame.get("client_id"),
                    frame.get("message", {}).get("client_id"),
                ):
                    return frame

        try:
            for _ in range(rounds):
                for ws, other, side in ((wa, wb, a), (wb, wa, b)):
                    client_id = f"warmup-{uuid.uuid4()}"
                    frame = json.dumps(
                        {
                            "type": "message.send",
                            "conversation": side.conversation,
                            "body": self.body,
                            "client_id": client_id,
                        }
                    )
                    await ws.send(frame)
                    await until(ws, "message.ack", client_id)
                    await until(other, "message.new", client_id)
                    sent += 1
        finally:
            await wa.close()
            await wb.close()
        return {"sent": sent, "seconds": time.perf_counter() - started}

    # --- receiving -------------------------------------------------------------

    def on_frame(self, side: Side, data: bytes) -> None:
        now = time.monotonic()
        try:
            frame = self.loads(data)
            kind = frame["type"]
        except (ValueError, KeyError, TypeError):
            self.anomalies["unparsable frame"] += 1
            return
        if kind == "message.new":
            message = frame["message"]
            mid = message["id"]
            record = self.records.get(message.get("client_id"))
            step = record.step if record is not None else (self.step or self.last_step())
            if mid in side.seen:
                step.dup += 1
                return
            side.seen.add(mid)
            # One count per frame out of order, under the first rule it breaks.
            disorder = None
            if mid < side.last_new:
                disorder = "id below an earlier message.new"
            else:
                side.last_new = mid
            if record is None:
                step.unknown += 1
                if disorder:
                    step.order[disorder] += 1
                return
            if record.mid and record.mid != mid:
                step.dup += 1  # a second row for one client_id
                return
            record.mid = mid
            if record.sender is side:
                record.echo_t = now
            else:
                if record.deliver_t:
                    step.dup += 1
                    return
                record.deliver_t = now
                if record.seq < side.last_peer_seq:
                    disorder = disorder or "peer message before an earlier one of its sender"
                else:
                    side.last_peer_seq = record.seq
            if disorder:
                step.order[disorder] += 1
            self.maybe_done(record)
        elif kind == "message.ack":
            record = self.records.get(frame.get("client_id"))
            if record is None:
                (self.step or self.last_step()).other["ack for an unknown client_id"] += 1
                return
            step = record.step
            if record.ack_t:
                step.dup += 1
                return
            record.ack_t = now
            mid = frame["message"]["id"]
            if record.mid and record.mid != mid:
                step.dup += 1
            record.mid = mid
            if mid < side.last_ack_mid or record.seq < side.last_ack_seq:
                step.order["ack below the sender's previous ack"] += 1
            side.last_ack_mid = max(side.last_ack_mid, mid)
            side.last_ack_seq = max(side.last_ack_seq, record.seq)
            self.maybe_done(record)
        elif kind == "error":
            code = frame.get("code")
            record = self.records.get(frame.get("client_id") or "")
            step = record.step if record is not None else (self.step or self.last_step())
            step.errors[code] += 1
            if record is not None and record.error is None:
                record.error = code
                self.maybe_done(record)
        else:
            (self.step or self.last_step()).other[kind] += 1

    def last_step(self) -> Step:
        if not self.steps:
            self.steps.append(Step(-1, 0, 0))
        return self.steps[-1]

    def maybe_done(self, record: Record) -> None:
        if record.done:
            return
        if record.error is not None or (record.ack_t and record.deliver_t and record.echo_t):
            record.done = True
            record.step.pending -= 1

    # --- sending ---------------------------------------------------------------

    async def run_step(self, cmd: dict) -> dict:
        step = Step(cmd["index"], cmd["rate"], cmd["duration"])
        self.steps.append(step)
        self.step = step
        workers = cmd["workers"]
        rate = cmd["rate"] / workers
        total = int(round(rate * cmd["duration"]))
        offset = cmd["worker"] / workers / rate if rate else 0.0
        t0 = cmd["start_at"] + offset
        senders = self.senders
        n_senders = len(senders)
        body = self.body
        records = self.records
        monotonic = time.monotonic
        uuid4 = uuid.uuid4
        OPEN = State.OPEN
        lag = step.lag
        # The records are many long-lived objects: a full collection of them
        # in the middle of a step would stall the schedule for tens of ms.
        gc.collect()
        gc.disable()
        await asyncio.sleep(max(0.0, cmd["start_at"] - monotonic()))
        cpu0 = time.process_time()
        k = 0
        while k < total:
            now = monotonic()
            due = min(total, math.floor((now - t0) * rate) + 1)
            while k < due:
                sched = t0 + k / rate
                side = senders[(k + cmd["index"]) % n_senders]
                k += 1
                ws = side.ws
                if ws is None or ws.protocol.state is not OPEN:
                    step.skipped += 1
                    continue
                client_id = str(uuid4())
                side.sent += 1
                t = monotonic()
                record = Record(side, side.sent, step, sched, t)
                records[client_id] = record
                step.records.append(record)
                step.pending += 1
                try:
                    ws.protocol.send_text(
                        (
                            f'{{"type":"message.send","conversation":{side.conversation},'
                            f'"body":"{body}","client_id":"{client_id}"}}'
                        ).encode()
                    )
                    ws.send_data()
                except Exception as exc:  # noqa: BLE001 (the socket died under us)
                    self.anomalies[f"send failed: {type(exc).__name__}"] += 1
                    record.error = "send failed"
                    self.maybe_done(record)
                lag.append(t - sched)
            delay = t0 + k / rate - monotonic()
            await asyncio.sleep(delay if delay > 0 else 0)
        send_end = monotonic()
        cpu_send = time.process_time() - cpu0
        write_buffer_max = max(
            (s.ws.transport.get_write_buffer_size() for s in self.sides if s.ws), default=0
        )
        deadline = send_end + cmd["drain"]
        while step.pending > 0 and monotonic() < deadline:
            await asyncio.sleep(0.02)
        drained = monotonic()
        cpu_total = time.process_time() - cpu0
        gc.enable()
        self.step = None
        result = self.step_result(step, cmd["start_at"])
        result.update(
            drain_s=drained - send_end,
            send_s=send_end - cmd["start_at"],
            driver_cpu_send_s=cpu_send,
            driver_cpu_s=cpu_total,
            write_buffer_max=write_buffer_max,
        )
        return result

    def step_result(self, step: Step, start: float) -> dict:
        deliver, ack = array("d"), array("d")  # latencies
        deliver_at, ack_at = array("d"), array("d")  # arrival times from the step's start
        acked = delivered = echoed = lost = unacked = errored = 0
        for r in step.records:
            if r.ack_t:
                acked += 1
                ack.append(r.ack_t - r.send_t)
                ack_at.append(r.ack_t - start)
                if not r.deliver_t:
                    lost += 1
            elif r.error is None:
                unacked += 1
            if r.error is not None:
                errored += 1
            if r.deliver_t:
                delivered += 1
                deliver.append(r.deliver_t - r.send_t)
                deliver_at.append(r.deliver_t - start)
            if r.echo_t:
                echoed += 1
        return {
            "index": step.index,
            "sent": len(step.records),
            "skipped": step.skipped,
            "acked": acked,
            "delivered": delivered,
            "echoed": echoed,
            "errored": errored,
            "lost": lost,
            "unacked": unacked,
            "ack_at": ack_at.tobytes(),
            "deliver_at": deliver_at.tobytes(),
            "dup": step.dup,
            "order": dict(step.order),
            "errors": dict(step.errors),
            "closes": dict(step.closes),
            "unknown": step.unknown,
            "other": dict(step.other),
            "deliver": deliver.tobytes(),
            "ack": ack.tobytes(),
            "lag": step.lag.tobytes(),
            "pending": step.pending,
        }

    # --- the end ---------------------------------------------------------------

    async def finish(self, drain: float) -> dict:
        """A last drain for anything still outstanding, then per-step counts
        as they stand now, and every acknowledged message id."""
        deadline = time.monotonic() + drain
        while any(s.pending > 0 for s in self.steps) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        steps = {}
        for step in self.steps:
            if step.index < 0:
                continue
            lost = sum(1 for r in step.records if r.ack_t and not r.deliver_t)
            unacked = sum(1 for r in step.records if not r.ack_t and r.error is None)
            echo_missing = sum(1 for r in step.records if r.ack_t and not r.echo_t)
            steps[step.index] = {
                "lost": lost,
                "unacked": unacked,
                "echo_missing": echo_missing,
                "dup": step.dup,
                "order": dict(step.order),
                "errors": dict(step.errors),
                "closes": dict(step.closes),
            }
        stray = self.steps[0] if self.steps and self.steps[0].index < 0 else None
        return {
            "steps": steps,
            "acked_ids": [r.mid for r in self.records.values() if r.ack_t],
            "anomalies": dict(self.anomalies),
            "stray": {"unknown": stray.unknown, "errors": dict(stray.errors)} if stray else {},
            "still_open": sum(1 for s in self.sides if s.ws and s.closed is None),
        }

    async def close_all(self) -> None:
        self.closing = True
        open_ = [s.ws for s in self.sides if s.ws is not None]
        await asyncio.gather(*(ws.close() for ws in open_), return_exceptions=True)


def main(pipe, spec: dict) -> None:
    """multiprocessing entry point."""
    import uvloop

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the orchestrator stops us
    uvloop.run(Driver(pipe, spec).run())
