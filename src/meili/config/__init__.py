"""Django configuration of the platform: settings from the environment, URL map, WSGI entry."""
