"""SNP/MRT (monthly, DOMAIN.md §7.3-§7.4) and indicator 9 (quarterly, §7.2) from regulation's act facts."""

from __future__ import annotations

from decimal import Decimal

from cpts.enums import StructureKind
from cpts.selectors.pay import payees_by_rpps, structures_by_id
from regulation.selectors.pay import (
    act_pay_facts,
    act_week_groups,
    is_pdsa_time,
    pdsa_schedule_for,
    surnumeraire_groups,
)
from remuneration.enums import BordereauKind
from remuneration.money import ZERO, quantize_eur
from remuneration.rules.indicator9 import indicator9_tier
from remuneration.rules.snp_mrt import PayeeTotal, snp_mrt_evaluate, snp_mrt_from_groups
from remuneration.selectors.baremes import bareme_rows, gap_error, pick_row
from remuneration.services.builders._common import Context, Draft, LineData, split_name
from remuneration.services.builders.late import late_adjustments

CODE_LABELS = {
    "snp": "Majorations SNP",
    "mrt": "Majorations MRT",
    "she": "Majorations SHE 19 h-21 h (provisoire)",
}


def _covering(rows, first, last):
    """The one row covering the whole period, ``None`` when no row covers any of it, ``False`` when
    rows change inside the period (then the acts are evaluated one by one)."""
    covering = [r for r in rows if r.valid_from <= last and (r.valid_to is None or r.valid_to >= first)]
    if not covering:
        return None
    if len(covering) == 1 and covering[0].covers(first) and covering[0].covers(last):
        return covering[0]
    return False


def _totals_act_by_act(ctx: Context, schedule, rows) -> tuple[dict, dict]:
    """The act-by-act path (SQLite, or a barème changing inside the month): same totals."""
    acts = act_pay_facts(territory_code=ctx.territory, start=ctx.period.start, end=ctx.period.end)
    decisions = snp_mrt_evaluate(
        acts,
        snp_rows=rows["snp"],
        mrt_rows=rows["mrt"],
        she_rows=rows["she"],
        is_pdsa_time=is_pdsa_time,
        schedule=schedule,
        gap_error=gap_error,
    )
    names = _names(sorted({a.rpps for a in acts if a.rpps}), acts)
    totals: dict = {}
    info = {
        "without_rpps": sum(1 for a in acts if not a.rpps),
        "without_rpps_ids": [a.id for a in acts if not a.rpps],
        "excess": 0,
    }
    for decision in decisions:
        if not decision.rpps:
            continue
        if decision.code and decision.paid:
            _add(totals, decision, decision.code, decision.amount, names)
        elif decision.code == "snp":
            info["excess"] += 1
            _add(totals, decision, "snp", None, names).excess += 1
        if decision.she:
            _add(totals, decision, "she", decision.she_amount, names)
    return totals, info


def _add(totals, decision, code, amount, names) -> PayeeTotal:
    key = (decision.rpps, code)
    if key not in totals:
        last, first = names.get(decision.rpps, ("", ""))
        totals[key] = PayeeTotal(decision.rpps, code, last, first, amount or ZERO, decision.provisional)
    target = totals[key]
    if amount is not None:
        target.unit = amount
        target.ids.append(decision.act_id)
        target.weeks[decision.week] = target.weeks.get(decision.week, 0) + 1
    return target


def _names(rpps_list, acts) -> dict[str, tuple[str, str]]:
    known = payees_by_rpps(rpps_list=rpps_list)
    by_rpps = {a.rpps: a.doctor_name for a in acts}
    return {
        r: (known[r].last_name, known[r].first_name) if r in known else split_name(by_rpps.get(r, ""))
        for r in rpps_list
    }


def build_snp_mrt(ctx: Context) -> Draft:
    schedule = pdsa_schedule_for(territory_code=ctx.territory)
    rows = {code: bareme_rows(code) for code in ("snp", "mrt", "she")}
    first, last = ctx.period.first_day, ctx.period.last_day
    single = {code: _covering(r, first, last) for code, r in rows.items()}
    groups = None
    if all(value is not False for value in single.values()):
        groups = act_week_groups(
            territory_code=ctx.territory, start=ctx.period.start, end=ctx.period.end, schedule=schedule
        )
    if groups is None:
        totals, info = _totals_act_by_act(ctx, schedule, rows)
    else:
        totals, info = snp_mrt_from_groups(
            groups,
            snp_row=single["snp"],
            mrt_row=single["mrt"],
            she_row=single["she"],
            gap_error=gap_error,
            first_day=first,
        )
    draft = Draft()
    if info["without_rpps"]:
        draft.anomalies.append(
            {
                "code": "act_without_rpps",
                "message": f"{info['without_rpps']} acte(s) sans RPPS de l'effecteur : non payables en l'état.",
                "facts": [f"act:{i}" for i in info["without_rpps_ids"][:200]],
            }
        )
    if info["excess"]:
        excess_rpps = sorted({t.rpps for t in totals.values() if t.excess})
        draft.anomalies.append(
            {
                "code": "snp_weekly_cap",
                "blocking": False,
                "message": f"{info['excess']} majoration(s) SNP au-delà de 20 par semaine, signalées et non payées.",
                "facts": [f"rpps:{r}" for r in excess_rpps],
            }
        )
    for (rpps, code), t in sorted(totals.items()):
        if not t.ids:
            continue
        if not t.last_name:
            t.last_name, t.first_name = split_name(t.first_name)
        draft.lines.append(
            LineData(
                identifier_type="RPPS",
                identifier=rpps,
                last_name=t.last_name,
                first_name=t.first_name,
                label=f"{CODE_LABELS[code]} {ctx.period.code}",
                fact_date=last,
                quantity=Decimal(len(t.ids)),
                unit="acte",
                unit_amount=t.unit,
                amount=quantize_eur(t.unit * len(t.ids)),
                fact_key=f"{code}:{rpps}",
                facts=sorted(t.ids),
                why={
                    "weeks": dict(sorted(t.weeks.items())),
                    "excess_over_20": t.excess,
                    "not_eligible": t.not_eligible,
                    "rule": "DOMAIN.md §7.3-§7.4",
                },
                provisional=t.provisional or code == "she",
            )
        )
    if ctx.adjustments:
        draft.lines.extend(late_adjustments(ctx, BordereauKind.SNP_MRT, build_snp_mrt))
    return draft


def _payee(structure_ids, structures, rpps: str, name: str) -> tuple[str, str, str, str]:
    """``(key, identifier type, identifier, name)``: a centre de santé is paid for its doctors (§7.2)."""
    for structure_id in structure_ids:
        structure = structures.get(structure_id)
        if structure is not None and structure.kind == StructureKind.CDS:
            ident_type, ident = (
                ("FINESS", structure.finess) if structure.finess else ("SIRET", structure.siret)
            )
            return f"cds:{structure.id}", ident_type, ident, structure.name
    return f"rpps:{rpps}", "RPPS", rpps, name


def build_indicator9(ctx: Context) -> Draft:
    row = pick_row(bareme_rows("indicator9"), "indicator9", ctx.period.last_day)
    groups = surnumeraire_groups(territory_code=ctx.territory, start=ctx.period.start, end=ctx.period.end)
    draft = Draft()
    missing = [i for g in groups if not g.rpps for i in g.ids]
    if missing:
        draft.anomalies.append(
            {
                "code": "act_without_rpps",
                "message": f"{len(missing)} acte(s) sans RPPS de l'effecteur : non payables en l'état.",
                "facts": [f"act:{i}" for i in missing[:200]],
            }
        )
    structures = structures_by_id(structure_ids={g.structure_id for g in groups if g.structure_id})
    per_doctor: dict[str, dict] = {}
    for g in groups:
        if g.rpps:
            doctor = per_doctor.setdefault(
                g.rpps, {"ids": [], "structures": set(), "name": (g.last_name, g.first_name, g.doctor_name)}
            )
            doctor["ids"].extend(g.ids)
            doctor["structures"].add(g.structure_id)
    payees: dict[str, dict] = {}
    for rpps, doctor in sorted(per_doctor.items()):
        tier = indicator9_tier(len(doctor["ids"]), row.tiers)
        last, first, full = doctor["name"]
        key, ident_type, ident, name = _payee(
            sorted(s for s in doctor["structures"] if s), structures, rpps, full
        )
        payee = payees.setdefault(
            key,
            {
                "type": ident_type,
                "id": ident,
                "name": name,
                "last": last,
                "first": first,
                "amount": ZERO,
                "acts": [],
                "doctors": {},
            },
        )
        payee["amount"] += tier.amount
        payee["acts"].extend(doctor["ids"])
        payee["doctors"][rpps] = {"acts": tier.acts, "tier": tier.label, "amount": str(tier.amount)}
    for key, payee in payees.items():
        if payee["amount"] == ZERO:
            continue
        if key.startswith("rpps:"):
            last, first = (payee["last"], payee["first"]) if payee["last"] else split_name(payee["name"])
            doctor = next(iter(payee["doctors"].values()))
            label = f"Indicateur 9, {doctor['acts']} actes en surnuméraire, {doctor['tier']}"
        else:
            last, first = payee["name"], ""
            label = f"Indicateur 9, équivalent centre de santé ({len(payee['doctors'])} médecins, {len(payee['acts'])} actes)"
        draft.lines.append(
            LineData(
                identifier_type=payee["type"],
                identifier=payee["id"],
                last_name=last,
                first_name=first,
                label=f"{label} – {ctx.period.code}",
                fact_date=ctx.period.last_day,
                quantity=Decimal(1),
                unit="forfait trimestriel",
                unit_amount=quantize_eur(payee["amount"]),
                amount=quantize_eur(payee["amount"]),
                fact_key=f"indicator9:{key}",
                facts=sorted(payee["acts"]),
                why={"doctors": payee["doctors"], "rule": "DOMAIN.md §7.2 : paliers du barème (provisoires)"},
                provisional=row.provisional,
            )
        )
    draft.lines.sort(key=lambda line: (line.last_name, line.first_name, line.identifier))
    if ctx.adjustments:
        draft.lines.extend(late_adjustments(ctx, BordereauKind.INDICATOR_9, build_indicator9))
    return draft
