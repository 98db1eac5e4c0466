"""How a review process begins (ADR 0743, review24b): `review_spawn.BOOTSTRAP`, executed as `python -P -c BOOTSTRAP
tfreview.worker.review_entry FD` by `review_spawn.spawn` with FD its end of the pipe, reads the pipe's first message —
its parent's `sys.path`, what `multiprocessing`'s spawn passed as preparation data: tfreview, and the modules a
request's pickles (a test's prepared input) name, are found where the parent found them — then imports this module
and calls `serve`, which runs `review_child.main` on the rest (settings, parent pid, handed-over environment, then
requests).
"""

from __future__ import annotations

from multiprocessing.connection import Connection

from tfreview.plumbing.httpx_cli import leave_out

leave_out()  # before review_child's imports: httpx without its command-line client (ADR 0753)

from tfreview.worker import review_child  # noqa: E402  # after leave_out


def serve(connection: Connection) -> None:
    review_child.main(connection)
