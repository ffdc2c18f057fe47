"""`python -m tui` runs the notesift command."""

import sys

from tui.launch import main

sys.exit(main())
