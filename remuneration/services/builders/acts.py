"""SNP/MRT (monthly, DOMAIN.md §7.3-§7.4) and indicator 9 (quarterly, §7.2) from regulation's act facts."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from cpts.enums import StructureKind
from cpts.selectors_pay import payees_by_rpps, structures_by_id
from regulation.selectors_pay import act_pay_facts, is_pdsa_time, pdsa_schedule_for
from remuneration.money import ZERO, quantize_eur
from remuneration.rules.indicator9 import indicator9_tier
from remuneration.rules.snp_mrt import FULFILLED, snp_mrt_evaluate
from remuneration.selectors.baremes import bareme_rows, gap_error, pick_row
from remuneration.services.builders._common import Context, Draft, LineData, split_name

CODE_LABELS = {
    "snp": "Majorations SNP",
    "mrt": "Majorations MRT",
    "she": "Majorations SHE 19 h-21 h (provisoire)",
}


def _names(rpps_list, acts_by_rpps) -> dict[str, tuple[str, str]]:
    known = payees_by_rpps(rpps_list=rpps_list)
    names = {}
    for rpps in rpps_list:
        if rpps in known:
            names[rpps] = (known[rpps].last_name, known[rpps].first_name)
        else:
            names[rpps] = split_name(acts_by_rpps[rpps][0].doctor_name)
    return names


def _act_without_rpps(acts) -> list[dict]:
    missing = [a for a in acts if not a.rpps]
    if not missing:
        return []
    return [
        {
            "code": "act_without_rpps",
            "message": f"{len(missing)} acte(s) sans RPPS de l'effecteur : non payables en l'état.",
            "facts": [f"act:{a.id}" for a in missing[:200]],
        }
    ]


def build_snp_mrt(ctx: Context) -> Draft:
    acts = act_pay_facts(territory_code=ctx.territory, start=ctx.period.start, end=ctx.period.end)
    ctx.tick(0, len(acts))
    decisions = snp_mrt_evaluate(
        acts,
        snp_rows=bareme_rows("snp"),
        mrt_rows=bareme_rows("mrt"),
        she_rows=bareme_rows("she"),
        is_pdsa_time=is_pdsa_time,
        schedule=pdsa_schedule_for(territory_code=ctx.territory),
        gap_error=gap_error,
    )
    ctx.tick(len(acts), len(acts))
    by_rpps = defaultdict(list)
    for act in acts:
        by_rpps[act.rpps].append(act)
    groups: dict[tuple[str, str], list] = defaultdict(list)
    excess: Counter = Counter()
    refused: dict[str, Counter] = defaultdict(Counter)
    for decision in decisions:
        if decision.paid:
            groups[(decision.rpps, decision.code)].append(decision)
        elif decision.code == "snp":
            excess[decision.rpps] += 1
        else:
            refused[decision.rpps][decision.reasons[0]] += 1
        if decision.she:
            groups[(decision.rpps, "she")].append(decision)
    draft = Draft(anomalies=_act_without_rpps(acts))
    if excess:
        draft.anomalies.append(
            {
                "code": "snp_weekly_cap",
                "blocking": False,
                "message": f"{sum(excess.values())} majoration(s) SNP au-delà de 20 par semaine, signalées et non payées.",
                "facts": [f"rpps:{r}" for r in sorted(excess)],
            }
        )
    names = _names([r for r in by_rpps if r], by_rpps)
    for (rpps, code), items in sorted(groups.items()):
        unit = items[0].she_amount if code == "she" else items[0].amount
        amount = sum(((d.she_amount if code == "she" else d.amount) for d in items), ZERO)
        weeks = Counter(d.week for d in items)
        draft.lines.append(
            LineData(
                identifier_type="RPPS",
                identifier=rpps,
                last_name=names[rpps][0],
                first_name=names[rpps][1],
                label=f"{CODE_LABELS[code]} {ctx.period.code}",
                fact_date=ctx.period.last_day,
                quantity=Decimal(len(items)),
                unit="acte",
                unit_amount=unit,
                amount=quantize_eur(amount),
                fact_key=f"{code}:{rpps}",
                facts=[d.act_id for d in items],
                why={
                    "weeks": dict(sorted(weeks.items())),
                    "excess_over_20": excess.get(rpps, 0),
                    "not_eligible": dict(refused.get(rpps, {})),
                    "rule": "DOMAIN.md §7.3-§7.4",
                },
                provisional=any(d.provisional for d in items) or code == "she",
            )
        )
    return draft


def _payee(act, structures) -> tuple[str, str, str, str]:
    """``(key, identifier type, identifier, name)``: a centre de santé is paid for its doctors (§7.2)."""
    structure = structures.get(act.structure_id) if act.structure_id else None
    if structure is not None and structure.kind == StructureKind.CDS:
        ident_type, ident = ("FINESS", structure.finess) if structure.finess else ("SIRET", structure.siret)
        return f"cds:{structure.id}", ident_type, ident, structure.name
    return f"rpps:{act.rpps}", "RPPS", act.rpps, act.doctor_name


def build_indicator9(ctx: Context) -> Draft:
    acts = [
        a
        for a in act_pay_facts(
            territory_code=ctx.territory, start=ctx.period.start, end=ctx.period.end, surnumeraire_only=True
        )
        if a.outcome == FULFILLED
    ]
    row = pick_row(bareme_rows("indicator9"), "indicator9", ctx.period.last_day)
    draft = Draft(anomalies=_act_without_rpps(acts))
    structures = structures_by_id(structure_ids={a.structure_id for a in acts if a.structure_id})
    per_doctor: dict[str, list] = defaultdict(list)
    for act in acts:
        if act.rpps:
            per_doctor[act.rpps].append(act)
    known = payees_by_rpps(rpps_list=list(per_doctor))
    payees: dict[str, dict] = {}
    for rpps, own in sorted(per_doctor.items()):
        tier = indicator9_tier(len(own), row.tiers)
        key, ident_type, ident, name = _payee(own[0], structures)
        payee = payees.setdefault(
            key, {"type": ident_type, "id": ident, "name": name, "amount": ZERO, "acts": [], "doctors": {}}
        )
        payee["amount"] += tier.amount
        payee["acts"].extend(a.id for a in own)
        payee["doctors"][rpps] = {"acts": tier.acts, "tier": tier.label, "amount": str(tier.amount)}
        if key.startswith("rpps:") and rpps in known:
            payee["name"] = f"{known[rpps].first_name} {known[rpps].last_name}"
    for key, payee in payees.items():
        if payee["amount"] == ZERO:
            continue
        if key.startswith("rpps:"):
            last, first = split_name(payee["name"])
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
                facts=payee["acts"],
                why={"doctors": payee["doctors"], "rule": "DOMAIN.md §7.2 : paliers du barème (provisoires)"},
                provisional=row.provisional,
            )
        )
    draft.lines.sort(key=lambda line: (line.last_name, line.first_name, line.identifier))
    return draft
