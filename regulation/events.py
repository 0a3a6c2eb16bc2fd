"""Audit event types and writers of `regulation` (values ``regulation.<event>``)."""
