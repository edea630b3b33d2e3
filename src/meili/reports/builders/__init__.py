"""Builders: each reads the platform's stored data and returns a :class:`meili.reports.document.Document`."""
