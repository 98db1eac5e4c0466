"""Ids cut from pooled OS randomness (tfreview.plumbing.ids, ADR 0450): never the same twice — across threads,
across the pool's refills, and between a process and the child it forks (which must not reuse its parent's pool)."""

from __future__ import annotations

import os
import threading
import uuid

from tfreview.plumbing.ids import DRAW_BYTES, random_16, uuid4_hex


def test_ids_made_by_many_threads_across_refills_never_repeat() -> None:
    made: list[list[str]] = [[] for _ in range(8)]

    def make(mine: list[str]) -> None:
        for _ in range(3 * DRAW_BYTES // 16):  # each thread alone empties the pool three times
            mine.append(uuid4_hex())

    threads = [threading.Thread(target=make, args=(mine,)) for mine in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [value for mine in made for value in mine]
    assert len(set(everything)) == len(everything) == 8 * 3 * DRAW_BYTES // 16
    assert all(uuid.UUID(value).version == 4 for value in everything[:: DRAW_BYTES // 16])


def test_a_forked_child_draws_its_own_bytes() -> None:
    random_16()  # the parent's pool is drawn and partly used
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its next 64 bytes, to the parent
        try:
            os.write(write, b"".join(random_16() for _ in range(4)))
        finally:
            os._exit(0)
    os.close(write)
    try:
        theirs = b""
        while len(theirs) < 64:
            chunk = os.read(read, 64 - len(theirs))
            assert chunk, "the child wrote nothing"
            theirs += chunk
    finally:
        os.close(read)
        os.waitpid(child, 0)
    ours = b"".join(random_16() for _ in range(4))  # what the parent's pool hands out next
    assert ours != theirs
    assert {theirs[n : n + 16] for n in range(0, 64, 16)}.isdisjoint({ours[n : n + 16] for n in range(0, 64, 16)})
