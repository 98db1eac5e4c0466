"""`python -m tfreview`."""

import sys

from tfreview.cli import run

sys.exit(run())
