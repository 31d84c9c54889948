"""The REST API under /api/v1/ (issue 14 §3, B7): django-ninja routers over the services."""
