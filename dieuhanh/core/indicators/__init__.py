"""indicators cores (no Django)."""
