"""notesift's pure core: parsing, index, search and query language.

Nothing under this package may import Textual or Rich; `tests/test_core_boundary.py`
enforces it so the engine stays usable from scripts and testable without a terminal.
"""
