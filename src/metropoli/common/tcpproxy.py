"""A TCP relay that can cut the line: a real network fault between a process and PostgreSQL.

Tests put it between a worker (or server) process and the database, then call `cut()` for an
outage (open connections are closed, new ones refused) and `restore()` to end it. Nothing is
simulated: the process under test sees exactly what a lost database looks like on the wire.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.port = self._listener.getsockname()[1]
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self._up = threading.Event()
        self._up.set()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="tcp-proxy", daemon=True)

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._close_all()
        self._listener.close()

    def cut(self) -> None:
        """Start an outage: drop every relayed connection and refuse new ones."""
        self._up.clear()
        self._close_all()

    def restore(self) -> None:
        self._up.set()

    def _close_all(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for a, b in pairs:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def _serve(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._listener, selectors.EVENT_READ)
        while not self._stopping.is_set():
            for key, _ in selector.select(timeout=0.1):
                if key.fileobj is self._listener:
                    self._accept()
        selector.close()

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        if not self._up.is_set():
            client.close()  # the database is "down": the connection is refused at once
            return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        client.setblocking(True)
        server.settimeout(None)
        with self._lock:
            self._pairs.add((client, server))
        for src, dst in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
