"""`python -m tui` runs the notesift command."""

import sys

from tui.cli import main

sys.exit(main())
