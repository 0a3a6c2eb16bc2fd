"""Pages of `planning` (DSFR + HTMX): thin views calling services and selectors."""
