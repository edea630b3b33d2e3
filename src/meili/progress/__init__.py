"""The plan in the platform: plan versions, values reported by units with their approval trail, progress."""
