"""Meili (美丽): eco-environmental digital governance for a city's Beautiful-China plan."""

__version__ = "0.1.0"
