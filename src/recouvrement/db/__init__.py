"""The Django app: models, migrations and read queries."""
