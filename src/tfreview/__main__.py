"""`python -m tfreview`."""

import sys

from tfreview.plumbing import start_collection

start_collection.pause()  # before the CLI's own imports; `cli.main` switches it on again (ADR 0752)

from tfreview.cli import run  # noqa: E402  # after the pause: its imports are part of the start-up

sys.exit(run())
