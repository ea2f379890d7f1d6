"""Issue 10, security: a request-body size limit enforced before any parsing (the CSRF
check's form parsing included) — over real HTTP against a running app."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from pathlib import Path

import httpx

from tests.security.conftest import serve

EIGHTEEN_MB = 18 * 1024 * 1024
CHUNK = b"a" * 65536


def _head(port: int, extra: str, path: str = "/login") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"{extra}\r\n"
    ).encode()


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_declared_large_body_is_refused_before_it_is_sent(tmp_path: Path) -> None:
    with serve(tmp_path) as live:
        port = _port(live.url)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(_head(port, f"Content-Length: {EIGHTEEN_MB}\r\n") + CHUNK)
            started = time.perf_counter()
            answer = sock.recv(4096)
            elapsed = time.perf_counter() - started
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert elapsed < 1.0


def test_large_body_is_refused_while_health_stays_fast(tmp_path: Path) -> None:
    """18 MB streamed without a length (chunked), anonymous, as a form the CSRF check would
    parse: refused with 413 once the limit is passed; /api/health answers meanwhile."""
    with serve(tmp_path) as live:
        port = _port(live.url)
        response = bytearray()
        sent = 0
        done = threading.Event()

        def upload() -> None:
            nonlocal sent
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(_head(port, "Transfer-Encoding: chunked\r\n", "/api/auth/login"))

                def read() -> None:
                    try:
                        while data := sock.recv(65536):
                            response.extend(data)
                    except OSError:
                        pass

                reader = threading.Thread(target=read, daemon=True)
                reader.start()
                try:
                    while sent < EIGHTEEN_MB:
                        sock.sendall(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                        sent += len(CHUNK)
                    sock.sendall(b"0\r\n\r\n")
                except OSError:
                    pass  # the server closed the connection: expected once it refused
                reader.join(timeout=30)
            done.set()

        with httpx.Client(base_url=live.url, timeout=30) as probe:
            probe.get("/api/health")
            thread = threading.Thread(target=upload, daemon=True)
            thread.start()
            latencies: list[float] = []
            while not done.is_set() or len(latencies) < 5:
                started = time.perf_counter()
                assert probe.get("/api/health").status_code == 200
                latencies.append((time.perf_counter() - started) * 1000)
                time.sleep(0.01)
            thread.join()
        assert response.startswith(b"HTTP/1.1 413"), bytes(response[:200])
        assert sent < EIGHTEEN_MB, "the server read the whole 18 MB"
        assert latencies
        print(
            f"/api/health during upload: median {statistics.median(latencies):.1f} ms, "
            f"max {max(latencies):.1f} ms over {len(latencies)}"
        )
        assert statistics.median(latencies) < 100, latencies


def test_one_form_field_over_the_field_limit_is_refused(tmp_path: Path) -> None:
    with serve(tmp_path, max_field_bytes=4096) as live, httpx.Client(base_url=live.url) as c:
        c.get("/login")
        csrf = c.cookies.get("agentiq_csrf")
        r = c.post("/login", data={"csrf_token": csrf, "email": "x" * 10_000})
        assert r.status_code == 413
