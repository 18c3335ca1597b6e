"""Icons, styles and desktop files, installed as zoomadmin.resources."""
