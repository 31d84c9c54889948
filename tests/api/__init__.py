"""The REST API (issue 14 §3): one test file per resource."""
