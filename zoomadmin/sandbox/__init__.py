"""A local server that behaves like Zoom: the app's embedded default and every test's peer."""
