"""The vocabulary every layer shares: records, enums, the clock, errors and changes."""
