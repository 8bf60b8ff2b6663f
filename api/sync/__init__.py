"""Sync: retried creations that never duplicate, and a feed of what changed in a record."""
