"""Text primitives: decoding bytes, folding for search, making text safe to show."""
