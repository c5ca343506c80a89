"""``python -m harness`` is ``python -m harness.demo``."""

from __future__ import annotations

import sys

from harness.demo import main

sys.exit(main())
