"""Named permission functions of `remuneration` (``can_<verb>_<thing>(user, obj)``)."""
