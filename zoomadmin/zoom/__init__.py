"""The one door to Zoom: an async, typed, rate-limit aware API client (Qt-free)."""
