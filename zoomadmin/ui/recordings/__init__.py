"""The Recordings tab: the account-wide index, downloads, storage and retention."""
