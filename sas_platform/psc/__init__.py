"""Pro Santé Connect: health professionals sign in with their e-CPS card or app (OIDC, DOMAIN.md §1 PSC)."""
