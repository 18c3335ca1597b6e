"""One open account's world, built once: store, Zoom client, events, services and jobs."""
