"""Who acts from the command line, as the audit log names them (the data commands, the drills, `tfreview tokens`)."""

from __future__ import annotations

import os


def cli_actor() -> str:
    """Who acts from the command line, for the audit log: `cli:$USER`."""
    return f"cli:{os.environ.get('USER') or os.environ.get('LOGNAME') or 'unknown'}"
