"""common cores (no Django)."""
