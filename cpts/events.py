"""Audit event types and writers of `cpts` (values ``cpts.<event>``)."""
