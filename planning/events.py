"""Audit event types and writers of `planning` (values ``planning.<event>``)."""
