"""The web interface: layout, navigation, security headers, health check and the platform's static files."""
