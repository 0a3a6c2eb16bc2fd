"""Named permission functions of `planning` (``can_<verb>_<thing>(user, obj)``)."""
