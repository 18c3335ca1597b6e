"""zoomadmin: run many Zoom meetings from one Zoom account."""

__version__ = "0.1.0"
APP_NAME = "zoomadmin"
