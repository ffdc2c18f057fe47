"""notesift: a keyboard-driven terminal notes browser."""

__version__ = "0.1.0"
