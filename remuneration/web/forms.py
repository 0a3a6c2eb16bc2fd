"""Forms of `remuneration`."""
