"""A tfreview web app under a real uvicorn server on 127.0.0.1 (for the W4 body-limit test).

Run as `python -m tests.web.w4_server`: binds a free port, prints it on stdout, serves until killed.
Limits are small (1 MiB per route) so twenty parallel oversized bodies stay cheap.
"""

from __future__ import annotations

import socket
import sys

import uvicorn

from tests.web.conftest import web_settings
from tfreview.settings import ApiSettings, GitHubSettings, SpaceliftSettings
from tfreview.web.app import create_app
from tfreview.wiring import build_memory_services

LIMIT = 1024 * 1024


def main() -> None:
    settings = web_settings()
    settings.github = GitHubSettings(webhook_secrets=settings.github.webhook_secrets, max_body_bytes=LIMIT)
    settings.spacelift = SpaceliftSettings(webhook_secrets=settings.spacelift.webhook_secrets, max_body_bytes=LIMIT)
    settings.api = ApiSettings(max_upload_bytes=LIMIT)
    app = create_app(build_memory_services(settings))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)  # connections wait in the backlog until uvicorn accepts them
    print(sock.getsockname()[1], flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    server.run(sockets=[sock])
    sys.exit(0)


if __name__ == "__main__":
    main()
