"""Writing tags into notes and the sidecar without damaging anything."""
