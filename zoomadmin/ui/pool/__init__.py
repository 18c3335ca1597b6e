"""The License Pool tab: the seats, who holds them and why, the moves, alerts and history."""
