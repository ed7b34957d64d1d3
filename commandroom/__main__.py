"""Allow ``python -m commandroom``."""

import sys

from commandroom.cli import main

sys.exit(main())
