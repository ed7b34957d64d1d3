"""Camera sources, decode workers, latest-frame slots and reconnect policy; no Qt."""
