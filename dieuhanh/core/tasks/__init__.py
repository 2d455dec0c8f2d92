"""tasks cores (no Django)."""
