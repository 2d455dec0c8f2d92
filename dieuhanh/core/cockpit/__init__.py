"""The cockpit's framework-free parts: a dashboard's layout (order and size of its widgets)."""
