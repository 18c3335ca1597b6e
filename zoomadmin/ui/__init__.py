"""The Qt user interface: windows, tabs, models and dialogs."""
