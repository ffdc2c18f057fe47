"""From disk to entries: walk the root, decode, parse notes into entries."""
