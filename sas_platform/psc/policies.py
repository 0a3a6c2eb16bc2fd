"""Rules of a Pro Santé Connect sign-in (DOMAIN.md §1 PSC, §2 roles). Pure functions.

- The person is the national identifier ``preferred_username``: ``8`` + RPPS (DOMAIN.md §3.3,
  identifier prefixes), never the e-mail (an address can change hands; an RPPS cannot).
- The authentication level ``acr`` must be one the platform asked for (``eidas1``: eIDAS
  substantial, card or app), otherwise the sign-in is refused.
- Roles never come from the token: a local account with a role (habilitation) decides. The
  ``Acces_Regulation_Medicale`` claim is shown to the user as information only.
"""

from __future__ import annotations

from collections.abc import Iterable

from sas_platform.identifiers import is_valid_rpps, normalize_rpps

REGULATION_ACCESS_CLAIM = "Acces_Regulation_Medicale"


class PscRefused(Exception):
    """A refused sign-in; the message is French, for the user, and carries no token."""


def rpps_from_national_id(value: object) -> str:
    """``810003384327`` → ``10003384327``. Refuses ADELI (``0`` + 9 digits) and malformed values."""
    text = str(value or "").strip()
    if not (len(text) == 12 and text.startswith("8") and text.isdigit()):
        raise PscRefused(
            "Identifiant national absent ou non RPPS dans la réponse de Pro Santé Connect : "
            "seuls les professionnels inscrits au RPPS peuvent se connecter ainsi."
        )
    rpps = normalize_rpps(text)
    if not is_valid_rpps(rpps):
        raise PscRefused(
            "Identifiant national RPPS invalide (clé de contrôle) dans la réponse de Pro Santé Connect."
        )
    return rpps


def check_acr(acr: object, accepted: Iterable[str]) -> str:
    """The token's ``acr`` when it is one of ``accepted``; otherwise :class:`PscRefused`."""
    accepted = tuple(accepted)
    if not isinstance(acr, str) or acr not in accepted:
        raise PscRefused(
            f"Niveau d'authentification insuffisant ({acr or 'absent'}) : "
            f"la plateforme exige {', '.join(accepted)} (carte CPS ou application e-CPS)."
        )
    return acr


def regulation_access_label(claims: dict) -> str:
    """What PSC says about medical regulation access, as text for the user (information only)."""
    value = claims.get(REGULATION_ACCESS_CLAIM)
    if value in (None, "", [], {}):
        return "non renseigné"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
