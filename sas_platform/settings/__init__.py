"""Settings of the SAS & CPTS platform.

- ``base``: everything, driven by environment variables (django-environ); the embedded
  default (SQLite under ``var/``, no external service) when nothing is set.
- ``production``: ``base`` plus the security settings ``check --deploy`` asks for.
- ``test``: ``base`` tuned for the test suite (fast hashing, eager nothing, in-memory mail).
"""
