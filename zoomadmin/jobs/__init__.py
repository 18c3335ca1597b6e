"""Always-on work of an open account under one supervisor, in the desktop and the agent."""
