"""Forms of `regulation`."""
