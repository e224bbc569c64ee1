"""``python -m claude_tui``: the same as the ``claude-tui`` command."""

import sys

from .cli import main

sys.exit(main())
