"""The columns every export shares (the « bordereau normalisé » of DOMAIN.md §7.5, extended to all kinds)."""

from __future__ import annotations

from django.utils import timezone

from remuneration.models import Bordereau, BordereauLine

COLUMNS = (
    "Période",
    "Territoire",
    "Type d'identifiant",
    "Identifiant",
    "Nom",
    "Prénom",
    "Date",
    "Objet",
    "Quantité",
    "Unité",
    "Montant unitaire (€)",
    "Montant (€)",
    "Heures PDSA exclues",
    "Barème provisoire",
    "Régularise",
    "Validation ARS",
)


def validation_text(bordereau: Bordereau) -> str:
    if not bordereau.validated_at:
        return "non validé"
    who = bordereau.validated_by.get_full_name() if bordereau.validated_by else ""
    return f"{who or (bordereau.validated_by.email if bordereau.validated_by else '')} le {timezone.localtime(bordereau.validated_at):%d/%m/%Y %H:%M}"


def corrects_text(line: BordereauLine) -> str:
    if not line.corrects_id:
        return ""
    return f"{line.corrects.bordereau.period} ligne {line.corrects.position}"


def pdsa_text(line: BordereauLine) -> str:
    minutes = (line.why or {}).get("pdsa_minutes")
    if minutes is None:
        return ""
    return f"{minutes / 60:.2f} h" if minutes else "non"


def lines_of(bordereau: Bordereau) -> list[BordereauLine]:
    return list(bordereau.lines.select_related("corrects__bordereau").order_by("position"))
