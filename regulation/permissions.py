"""Named permission functions of `regulation` (``can_<verb>_<thing>(user, obj)``)."""
