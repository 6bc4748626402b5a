"""A school's network for browser tests: the app with its production limits, behind
a reverse proxy that, like nginx with `proxy_set_header X-Forwarded-For`, tells the
app the address every request came from: the school's one public address."""
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from werkzeug.serving import make_server

# Headers that belong to one connection, not to the request (RFC 9110, 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade"}


def _handler(upstream_port: int, address: str):
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {name: value for name, value in self.headers.items()
                       if name.lower() not in HOP_BY_HOP | {"x-forwarded-for", "x-forwarded-proto"}}
            # What the proxy saw, never what the client claimed (it drops any X-Forwarded-For sent).
            headers["X-Forwarded-For"] = address
            headers["X-Forwarded-Proto"] = "http"
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                data = response.read()
                self.send_response_only(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
            finally:
                upstream.close()

        do_GET = do_POST = do_HEAD = forward

        def log_message(self, *args):
            """Quiet: the test reports what matters."""

    return Proxy


class School:
    """`School(app, "198.51.100.23")`: `app` served on 127.0.0.1, and a proxy in front
    of it at `.url` whose every request comes from that address."""

    def __init__(self, app, address: str):
        self.app_server = make_server("127.0.0.1", 0, app, threaded=True)
        self.proxy = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.app_server.server_port, address))
        self.proxy.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.proxy.server_port}"
        self.threads = [threading.Thread(target=server.serve_forever, daemon=True)
                        for server in (self.app_server, self.proxy)]
        for thread in self.threads:
            thread.start()

    def close(self):
        self.proxy.shutdown()
        self.app_server.shutdown()
        self.proxy.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
