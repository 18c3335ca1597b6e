"""Settings → Accounts: the sandbox and real Zoom accounts, their scopes and secrets."""
