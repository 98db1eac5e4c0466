"""Random (version 4) UUIDs spelled as the `uuid` module spells them, made without building a `uuid.UUID`.

`uuid.uuid4().hex` builds an object, an int of 128 bits and a formatted string from `os.urandom(16)`: ~4.8 µs,
twice per webhook delivery on the event loop (its request id, its review id). Setting the version and variant
bits on the same 16 random bytes gives the same values in ~1.3 µs (ADR 0437).
"""

from __future__ import annotations

import os


def uuid4_hex() -> str:
    """What `uuid.uuid4().hex` returns: 32 lower-case hex digits, version 4, RFC 4122 variant."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    return raw.hex()


def uuid4_text() -> str:
    """What `str(uuid.uuid4())` returns: 8-4-4-4-12 lower-case hex digits."""
    digits = uuid4_hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
