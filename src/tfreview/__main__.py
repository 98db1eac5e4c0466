"""`python -m tfreview`."""

import sys

from tfreview.cli import main

sys.exit(main())
