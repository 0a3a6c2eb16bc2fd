"""Forms of `planning`."""
