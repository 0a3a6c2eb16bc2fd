"""Audit event types and writers of `remuneration` (values ``remuneration.<event>``)."""
