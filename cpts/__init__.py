"""WHO: the territorial offer of care (professionals, places, structures, CPTS territories, SAS participation)."""
