"""Meili (美丽): eco-environmental digital governance for a city's Beautiful-China plan."""

#: the one place the version is written: pyproject.toml reads it (``dynamic = ["version"]``), and /healthz,
#: /api/health, ``meili --version``, backups and the page footer show it. Record each release in CHANGELOG.md.
__version__ = "0.1.0"
