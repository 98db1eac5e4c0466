"""How a review process begins (ADR 0743): `python -P -m tfreview.worker.review_entry FD`, executed by
`review_spawn.spawn` with FD its end of the pipe. The pipe's first message is its parent's `sys.path` — what
`multiprocessing`'s spawn passed as preparation data: a request's pickles (a test's prepared input) name modules the
parent found there — then `review_child.main` reads the rest as before (settings, parent pid, handed-over
environment, then requests). Its own module: run as `__main__`, `review_child`'s answers would pickle under that name.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from tfreview.worker import review_child


def run(descriptor: int) -> None:
    connection = Connection(descriptor)
    try:
        path = connection.recv()
    except (EOFError, OSError):  # the parent went before it said anything
        return
    sys.path[:] = path
    review_child.main(connection)


if __name__ == "__main__":
    run(int(sys.argv[1]))
