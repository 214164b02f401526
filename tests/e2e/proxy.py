"""A small round-robin HTTP proxy for the scale-out test: every request (not every connection)
goes to the next backend in turn, so consecutive messages of one conversation land on different
replicas. Each response carries `X-Upstream: <backend index>` and the proxy counts requests per
backend, so a test can show where each message was handled.

    python -m tests.e2e.proxy --port 8080 http://127.0.0.1:5005 http://127.0.0.1:5006

Test-only: no TLS, whole bodies in memory, hop-by-hop headers dropped.
"""

from __future__ import annotations

import argparse
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length"}
UPSTREAM_HEADER = "X-Upstream"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256          # 50 owners connecting at once must not overflow the backlog
    allow_reuse_address = True


class RoundRobinProxy:
    def __init__(self, backends: list[str], port: int = 0, host: str = "127.0.0.1",
                 timeout: float = 600.0) -> None:
        if not backends:
            raise ValueError("at least one backend")
        self.backends = [urlsplit(b) for b in backends]
        self.timeout = timeout
        self.counts = [0] * len(backends)
        self.errors = 0
        self._turn = 0
        self._lock = threading.Lock()
        self._server = _Server((host, port), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def next_backend(self) -> int:
        with self._lock:
            index = self._turn % len(self.backends)
            self._turn += 1
            self.counts[index] += 1
            return index

    def start(self) -> RoundRobinProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, name="rr-proxy",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes | None
                ) -> tuple[int, list[tuple[str, str]], bytes, int]:
        index = self.next_backend()
        target = self.backends[index]
        connection = http.client.HTTPConnection(target.hostname, target.port,
                                                timeout=self.timeout)
        try:
            prefix = target.path.rstrip("/")
            connection.request(method, prefix + path, body=body,
                               headers={**headers, "Host": target.netloc})
            response = connection.getresponse()
            data = response.read()
            return response.status, response.getheaders(), data, index
        except OSError:
            with self._lock:
                self.errors += 1
            return 502, [("Content-Type", "text/plain")], b"upstream unreachable", index
        finally:
            connection.close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"      # keep-alive, as Rasa's aiohttp client expects

            def _body(self) -> bytes | None:
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else None

            def _proxy(self) -> None:
                body = self._body()
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                status, response_headers, data, index = proxy.forward(
                    self.command, self.path, headers, body)
                self.send_response(status)
                for key, value in response_headers:
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header(UPSTREAM_HEADER, str(index))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _proxy

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib's name
                pass

        return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("backends", nargs="+")
    args = parser.parse_args(argv)
    proxy = RoundRobinProxy(args.backends, port=args.port)
    print(f"round robin on {proxy.url} over {', '.join(args.backends)}", flush=True)
    proxy._server.serve_forever()


if __name__ == "__main__":
    main()
