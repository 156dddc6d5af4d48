"""`python -m config.serve`: daphne's command line with two fixes for /ws/.

- An oversized frame closes with 1009 (DESIGN.md, "Close codes"). Autobahn,
  under daphne, fails such a connection by dropping the TCP connection
  (`failByDrop`); with it off, it sends the 1009 close frame first.
- A frame for a client that has just left is dropped, not an exception.
- A client that stops reading cannot make the server hold an unbounded
  backlog. Daphne writes every frame to the socket's buffer without
  back-pressure; once more than WRITE_BUFFER_LIMIT bytes wait there, the
  connection is aborted (a close frame would wait behind the backlog) and
  its memory is freed. The client reconnects and asks for `sync`.
  The channel layer bounds the other queue (realtime.layers, 4408).

Otherwise daphne as it is, with the same options (scripts/serve passes them).
"""

import logging

from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import reactor

WRITE_BUFFER_LIMIT = 1024 * 1024
logger = logging.getLogger(__name__)


def buffered_bytes(transport) -> int:
    """Bytes a Twisted TCP transport holds that the peer has not read yet."""
    pending = len(getattr(transport, "dataBuffer", b"")) - getattr(transport, "offset", 0)
    return pending + getattr(transport, "_tempDataLen", 0)


class BoundedWebSocketProtocol(WebSocketProtocol):
    def serverSend(self, content, binary=False):
        if self.state not in (self.STATE_OPEN, self.STATE_CONNECTING):
            # The client left while events for it were in flight: nothing to
            # deliver (it asks for `sync` when it comes back). Autobahn would
            # raise, and the consumer die with a traceback.
            return
        super().serverSend(content, binary)
        if self.transport is not None and buffered_bytes(self.transport) > WRITE_BUFFER_LIMIT:
            logger.info("websocket %s too slow to read: aborted", self.client_addr)
            self.transport.abortConnection()


class EntraideServer(Server):
    def run(self):
        # The websocket factory is made inside run(), just before the reactor
        # starts; adjust it as soon as the reactor is running.
        reactor.callWhenRunning(self._websocket_options)
        super().run()

    def _websocket_options(self):
        self.ws_factory.protocol = BoundedWebSocketProtocol
        self.ws_factory.setProtocolOptions(failByDrop=False)


class EntraideCommandLine(CommandLineInterface):
    server_class = EntraideServer


if __name__ == "__main__":
    EntraideCommandLine.entrypoint()
