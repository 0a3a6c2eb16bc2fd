"""Models of `remuneration` (WHO IS PAID WHAT, AND WHY)."""
