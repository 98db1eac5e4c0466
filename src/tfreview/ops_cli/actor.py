"""Who acts from the command line, as the audit log names them (the data commands, the drills, `tfreview tokens`)."""

from __future__ import annotations

import os


def cli_actor() -> str:
    """Who acts from the command line, for the audit log: `cli:$USER`."""
    return f"cli:{os.environ.get('USER') or os.environ.get('LOGNAME') or 'unknown'}"


MAX_BY = 100  # characters of --by


def given_by(by: str | None) -> str | None:
    """`--by` as given, checked to be one printable line (`ai status`, `incidents show` print it on a terminal);
    None when not given. InputError (exit 2) otherwise, before the database is touched."""
    if by is None:
        return None
    from tfreview.core.errors import InputError

    value = by.strip()
    if not value or len(value) > MAX_BY or not value.isprintable():
        raise InputError(f"--by must be one printable line of 1 to {MAX_BY} characters")
    return value
