"""What the CPAM and ARS home sections say, read from the bordereaux page's own selector (same
scoping): validated bordereaux to export, locked ones to mark paid, drafts to validate."""

from __future__ import annotations

from remuneration.selectors import bordereaux_for_user
from sas_platform.navigation import HomeStatus


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def cpam_status(*, user) -> HomeStatus:
    qs = bordereaux_for_user(user=user)
    to_export, to_pay = qs.filter(status="validated").count(), qs.filter(status="locked").count()
    parts = []
    if to_export:
        parts.append(_plural(to_export, "bordereau validé à exporter", "bordereaux validés à exporter"))
    if to_pay:
        parts.append(
            _plural(to_pay, "bordereau exporté à marquer payé", "bordereaux exportés à marquer payés")
        )
    return HomeStatus(" ; ".join(parts) + "." if parts else "", count=to_export + to_pay, level="warning")


def ars_status(*, user) -> HomeStatus:
    n = bordereaux_for_user(user=user).filter(status="draft").count()
    return HomeStatus(
        _plural(n, "bordereau à valider.", "bordereaux à valider.") if n else "", count=n, level="warning"
    )
