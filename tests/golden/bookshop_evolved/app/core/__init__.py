"""Core infrastructure: settings, database, errors, clock."""
