"""One moto server for the tests that call AWS (verify, preflight, report): moto_server on 127.0.0.1
only, on a free port, quiet, stopped at the end."""

from __future__ import annotations

import contextlib
import logging
import socket
import urllib.request
from collections.abc import Iterator


def free_port() -> int:
    """A port nothing listens on, on 127.0.0.1 (a closed port: what an unreachable endpoint looks like)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def moto_server(*, reset: bool = False) -> Iterator[str]:
    """A moto server's endpoint URL. ``reset``: an empty account before and after (the server keeps moto's
    in-process backends, which every server of this process shares)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"

    def empty() -> None:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()

    try:
        if reset:
            empty()
        yield endpoint
    finally:
        if reset:
            empty()
        server.stop()
