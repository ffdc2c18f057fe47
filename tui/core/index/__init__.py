"""The persistent index: entries in a shared SQLite cache kept equal to the disk."""
