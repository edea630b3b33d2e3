"""Monitoring data in the platform: sites, imports, evaluated results, maps and charts, derived indicators."""
