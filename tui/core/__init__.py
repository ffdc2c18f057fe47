"""notesift's pure core, in the pipeline's stages: text → ingest → index → search.

`tags` writes through ingest's readers; `keys` (the app's keymap) stands alone;
flat modules here are small services. docs/architecture.md draws the flow.
Nothing under this package may import Textual or Rich, and layers import only
downwards; `tests/unit/test_core_boundary.py` enforces both.
"""
