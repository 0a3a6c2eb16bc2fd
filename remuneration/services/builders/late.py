"""Adjustments for facts recorded or corrected after a bordereau was locked (issue 12 §3).

A locked bordereau never changes. When an act of its period is recorded late or corrected
afterwards (``regulation.selectors.pay.acts_changed_since``), the next computation of a later
period of the same kind rebuilds the locked period from the facts as they are now, line by line
(same ``fact_key``), and pays the difference as an adjustment line: « Régularisation … », the
difference in quantity and amount (positive or negative), ``corrects`` pointing to the locked
line, the acts whose inclusion changed as its facts. The adjustment's ``fact_key`` is the line's
key with ``@<period>``: an adjustment already on another bordereau counts as paid, so it is
made once; a correction that changes no amount and no quantity makes no line.

The same mechanism serves the SAS acts (SNP/MRT, indicator 9), the cooperation protocols (every
locked semester rebuilt: :mod:`.protocols`) and indicator 8 (declarations only: :mod:`.late_indicator8`).
The locked period is rebuilt with the barèmes as they are now for its dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from regulation.selectors.pay import acts_changed_since
from remuneration.enums import LOCKED_STATUSES
from remuneration.models import Bordereau, BordereauLine
from remuneration.money import ZERO, quantize_eur
from remuneration.rules.periods import Period, period_parse
from remuneration.services.builders._common import Context, Draft, LineData

Keep = Callable[[str, BordereauLine | None, LineData | None], bool]
Changed = Callable[[Context, Period, dt.datetime], bool]

RULE = "Fait corrigé après verrouillage : régularisation sur une période suivante (issue 12 §3)"


def _ids(facts) -> set:
    return {f for f in facts or () if isinstance(f, int)}


def _already_adjusted(ctx: Context, kind: str, old: str) -> dict[str, tuple[Decimal, Decimal]]:
    """``{fact_key: (quantity, amount)}`` of adjustments of ``old`` on other bordereaux of the kind."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    rows = (
        BordereauLine.objects.filter(
            bordereau__kind=kind,
            bordereau__territory_id=ctx.territory,
            bordereau__period__gt=old,
            fact_key__endswith=f"@{old}",
        )
        .exclude(bordereau__period=ctx.period.code)
        .values_list("fact_key", "quantity", "amount")
    )
    for fact_key, quantity, amount in rows:
        key = fact_key.rsplit("@", 1)[0]
        q, a = totals.get(key, (ZERO, ZERO))
        totals[key] = (q + quantity, a + amount)
    return totals


def _adjustment(
    old: str, key: str, paid: BordereauLine | None, now: LineData | None, done
) -> LineData | None:
    paid_q = (paid.quantity if paid else ZERO) + done[0]
    paid_a = (paid.amount if paid else ZERO) + done[1]
    now_q, now_a = (now.quantity, now.amount) if now else (ZERO, ZERO)
    if now_q == paid_q and now_a == paid_a:
        return None  # the correction changes nothing that is paid
    model = now or paid
    where = f"corrige la ligne {paid.position} du bordereau {old}" if paid else f"absente du bordereau {old}"
    changed = _ids(paid.facts if paid else ()) ^ _ids(now.facts if now else ())
    return LineData(
        identifier_type=model.identifier_type,
        identifier=model.identifier,
        last_name=model.last_name,
        first_name=model.first_name,
        label=f"Régularisation {old} : {model.label} ({where})",
        fact_date=model.fact_date,
        quantity=now_q - paid_q,
        unit=model.unit,
        unit_amount=model.unit_amount,
        amount=quantize_eur(now_a - paid_a),
        fact_key=f"{key}@{old}",
        facts=sorted(changed),
        why={
            "period": old,
            "paid": str(paid_a),
            "paid_quantity": str(paid_q),
            "now": str(now_a),
            "now_quantity": str(now_q),
            "now_facts": len(_ids(now.facts)) if now else 0,
            "rule": RULE,
        },
        provisional=model.provisional,
        corrects_id=paid.pk if paid else None,
    )


def locked_before(ctx: Context, kind: str):
    """The locked bordereaux of ``kind`` and the territory before ``ctx.period``, oldest first."""
    return Bordereau.objects.filter(
        kind=kind, territory_id=ctx.territory, period__lt=ctx.period.code, status__in=LOCKED_STATUSES
    ).order_by("period")


def rebuilt(ctx: Context, old: Period, rebuild: Callable[[Context], Draft]) -> list[LineData]:
    """The lines of the locked period ``old`` as the facts are now (no adjustments, no progress)."""
    return rebuild(replace(ctx, period=old, adjustments=False, progress=None)).lines


def period_adjustments(
    ctx: Context, kind: str, bordereau: Bordereau, now_lines: list[LineData], keep: Keep | None = None
) -> list[LineData]:
    """Adjustments of one locked ``bordereau`` against ``now_lines``, key by key (``keep`` may leave a
    key out: indicator 8 regularises only what its declarations changed)."""
    now = {line.fact_key: line for line in now_lines}
    paid = {
        line.fact_key: line
        for line in bordereau.lines.filter(corrects__isnull=True).exclude(fact_key__contains="@")
    }
    done = _already_adjusted(ctx, kind, bordereau.period)
    result = []
    for key in sorted(set(paid) | set(now)):
        if keep is not None and not keep(key, paid.get(key), now.get(key)):
            continue
        line = _adjustment(bordereau.period, key, paid.get(key), now.get(key), done.get(key, (ZERO, ZERO)))
        if line is not None:
            result.append(line)
    return result


def acts_changed(ctx: Context, old: Period, since) -> bool:
    """Whether an act of ``old`` was recorded or corrected after ``since`` (SNP/MRT, indicator 9)."""
    return acts_changed_since(territory_code=ctx.territory, start=old.start, end=old.end, since=since)


def late_adjustments(
    ctx: Context, kind: str, rebuild: Callable[[Context], Draft], changed: Changed = acts_changed
) -> list[LineData]:
    """Adjustment lines for the locked earlier periods of ``kind`` whose facts changed after the lock
    (``changed``: a cheap test that spares rebuilding a period nothing touched)."""
    result: list[LineData] = []
    for bordereau in locked_before(ctx, kind):
        old = period_parse(kind, bordereau.period)
        since = bordereau.locked_at or bordereau.computed_at
        if since is None or not changed(ctx, old, since):
            continue
        result.extend(period_adjustments(ctx, kind, bordereau, rebuilt(ctx, old, rebuild)))
    return result
