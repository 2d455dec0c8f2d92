"""Framework-free computation cores. Nothing in this package imports Django."""
