"""``python -m tools.reference`` (``make docs``)."""

import sys

from tools.reference import main

sys.exit(main())
