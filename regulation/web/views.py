"""Pages of `regulation` (DSFR + HTMX): thin views calling services and selectors."""
