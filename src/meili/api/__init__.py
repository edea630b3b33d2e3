"""The HTTP API (django-ninja): OpenAPI at ``/api/docs``; the same permissions as the pages."""
