"""`olive-ls serve --tcp` and `--ws`: the same server over a socket and a WebSocket, answering `initialize`."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve():
    processes = []

    def start(*args: str) -> int:
        port = _free_port()
        processes.append(subprocess.Popen([sys.executable, "-m", "olive_ls", "serve", *args, f"127.0.0.1:{port}"], stderr=subprocess.PIPE))
        return port

    yield start
    for process in processes:
        process.kill()
        process.wait()


def _retry(connect, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return connect()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_tcp(serve):
    port = serve("--tcp")
    with _retry(lambda: socket.create_connection(("127.0.0.1", port), timeout=20)) as conn:
        body = json.dumps(INITIALIZE).encode()
        conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stream = conn.makefile("rb")
        length = None
        while (line := stream.readline().strip()) != b"":
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        reply = json.loads(stream.read(length))
    assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "olive-ls"
    assert reply["result"]["capabilities"]["completionProvider"]


def test_websocket(serve):
    from websockets.sync.client import connect

    port = serve("--ws")
    with _retry(lambda: connect(f"ws://127.0.0.1:{port}", open_timeout=20)) as ws:
        ws.send(json.dumps(INITIALIZE))
        reply = json.loads(ws.recv(timeout=20))
    assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "olive-ls"


def test_bad_address_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "olive_ls", "serve", "--tcp", "nowhere"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and "HOST:PORT" in proc.stderr and "Traceback" not in proc.stderr
