"""The French web UI: thin views over services and read queries."""
