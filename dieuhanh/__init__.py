"""dieuhanh: steering platform for Resolution 57-NQ/TW programmes."""

__version__ = "0.1.0"
