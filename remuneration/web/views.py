"""Pages of `remuneration` (DSFR + HTMX): thin views calling services and selectors."""
