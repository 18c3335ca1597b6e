"""Zoom events (meeting started/ended, recording completed, user updated) from three sources."""
