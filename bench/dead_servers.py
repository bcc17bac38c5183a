"""How long `queue` waits on a dead server before it gives up, per kind of failure, with the
default settings (no config file: `http.deadline` 60 s, 6 retries).

Each server listens on 127.0.0.1: one that accepts and never answers, a closed port, a plain-HTTP
port spoken to in TLS (an https:// URL), one that answers every request with an HTML 500. The
tool runs as installed; `--baseline-src DIR` runs another checkout's `src` (say the commit before
a change, from `git archive`) on the same servers for comparison.

    python bench/dead_servers.py [--baseline-src /tmp/base/src] [--skip silent]
"""

from __future__ import annotations

import argparse
import http.server
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import TOOL, measure


class Html500(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><html><head><title>Internal Server Error</title></head></html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def servers() -> Iterator[dict[str, str]]:
    """Base URLs for each kind of dead server."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(silent.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    html = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Html500)
    threading.Thread(target=html.serve_forever, daemon=True).start()
    try:
        yield {
            "silent": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "refused": f"http://127.0.0.1:{closed}",
            "tls to plain HTTP": f"https://127.0.0.1:{html.server_address[1]}",
            "HTML 500": f"http://127.0.0.1:{html.server_address[1]}",
        }
    finally:
        silent.close()
        for connection in held:
            connection.close()
        html.shutdown()
        html.server_close()


def run(url: str, src: str | None) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config.toml"
        config.write_text("")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TRELLO_", "GOVPRESS_SUPPORT_"))},
            "HOME": home,
            "GOVPRESS_SUPPORT_STATE_DIR": str(Path(home) / "state"),
            "GOVPRESS_SUPPORT_CONFIG": str(config),
            "ZENDESK_URL": url,
            "ZENDESK_EMAIL": "sam.okafor@govpress.example",
            "ZENDESK_API_TOKEN": "not-a-real-token",
        }
        if src is not None:
            env["PYTHONPATH"] = src
        argv = [sys.executable, "-m", "govpress_support", "queue"] if src else [str(TOOL), "queue"]
        started = time.perf_counter()
        done = measure(argv, env, check=False)
        elapsed = time.perf_counter() - started
        return elapsed, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.code}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", help="a checkout's src directory to compare with")
    parser.add_argument("--skip", action="append", default=[], help="a kind to leave out (repeatable)")
    args = parser.parse_args()
    print("| failure | this tree | error line |" + (" baseline |" if args.baseline_src else ""))
    print("|---|---:|---|" + ("---:|" if args.baseline_src else ""))
    with servers() as urls:
        for kind, url in urls.items():
            if kind in args.skip:
                continue
            seconds, line = run(url, None)
            row = f"| {kind} | {seconds:.1f} s | `{line.replace(url.split('//')[1], 'HOST')}` |"
            if args.baseline_src:
                before, _ = run(url, args.baseline_src)
                row += f" {before:.1f} s |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
