"""Named permission functions of `cpts` (``can_<verb>_<thing>(user, obj)``)."""
