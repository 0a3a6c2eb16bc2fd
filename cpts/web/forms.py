"""Forms of `cpts`."""
