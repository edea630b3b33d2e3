"""Readers for national data-exchange layouts (I/O lives here, outside the pure standards packages)."""
