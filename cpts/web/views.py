"""Pages of `cpts` (DSFR + HTMX): thin views calling services and selectors."""
