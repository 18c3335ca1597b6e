"""Entry point for ``python -m zoomadmin``."""

import sys

from zoomadmin.cli import main

sys.exit(main())
