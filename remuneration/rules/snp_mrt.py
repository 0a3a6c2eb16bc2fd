"""SNP majoration and MRT, act by act, with the reason (DOMAIN.md §7.3, §7.4; seed 004).

- **SNP** (§7.3; NGAP art. 14.1.3): 15 € per consultation within **48 h** (inclusive) after the
  SAS's regulation, by a doctor who is **not** the patient's MT, **outside PDSA hours** (§3.4:
  weekday 20:00-08:00, Saturday from 12:00, Sundays and public holidays); **at most 20 per doctor
  per ISO week** (Paris time): the 21st and later are flagged as excess and not paid.
- **MRT** (§7.4; convention 2016 art. 28.2.5): 15 € when the **MT** sees their own patient at the
  regulator's request during usual hours (outside PDSA), within 48 h. SNP and MRT are mutually
  exclusive by definition (MT or not). An advice to call one's MT is not an act (no MRT, seed 004
  Précisions 5): only appointments the SAS booked with the MT count.
- **SHE** (§7.3, convention of 4 June 2024, from 22/12/2024, **provisional** +5 €): a patient
  outside the doctor's MT patientèle seen at the SAS's request between 19:00 and 21:00.
Only acts whose patient was seen (``fulfilled``) are paid; an act without RPPS is an anomaly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from remuneration.money import ZERO, quantize_eur
from remuneration.rules.periods import PARIS, iso_week

WINDOW = dt.timedelta(hours=48)
WEEKLY_CAP = 20
SHE_FROM, SHE_TO = dt.time(19, 0), dt.time(21, 0)
FULFILLED = "fulfilled"


@dataclass(frozen=True)
class ActDecision:
    act_id: int
    rpps: str
    day: dt.date | None
    week: str
    code: str | None  # "snp", "mrt" or None
    paid: bool
    amount: Decimal
    she: bool
    she_amount: Decimal
    provisional: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _row_on(rows, day: dt.date):
    for row in rows:
        if row.covers(day):
            return row
    return None


def act_eligibility(act, *, is_pdsa_time, schedule) -> tuple[str | None, list[str]]:
    """``("snp"|"mrt", reasons)`` when the act qualifies for one of them, ``(None, reasons)`` otherwise."""
    if act.outcome != FULFILLED:
        return None, ["Patient non vu (RDV non honoré) : aucune majoration."]
    if not act.rpps:
        return None, ["Acte sans RPPS : anomalie, non payable en l'état."]
    if act.appointment_start is None:
        return None, ["Heure du rendez-vous inconnue : 48 h et horaires de PDSA invérifiables."]
    delay = act.appointment_start - act.regulated_at
    if delay < dt.timedelta(0) or delay > WINDOW:
        hours = delay.total_seconds() / 3600
        return None, [f"Rendez-vous {hours:.1f} h après la régulation : au-delà de 48 h."]
    if is_pdsa_time(act.appointment_start, schedule):
        return None, ["Rendez-vous en horaires de PDSA : majorations de PDSA, pas de SNP/MRT."]
    if act.is_treating_doctor:
        return "mrt", ["Médecin traitant à la demande du régulateur, sous 48 h, hors PDSA : MRT."]
    return "snp", ["Sous 48 h après régulation, médecin non traitant, hors PDSA : majoration SNP."]


def _she(act, she_rows) -> tuple[bool, Decimal, bool]:
    if act.outcome != FULFILLED or act.is_treating_doctor or act.appointment_start is None or not act.rpps:
        return False, ZERO, False
    local = act.appointment_start.astimezone(PARIS)
    row = _row_on(she_rows, local.date())
    if row is None or not (SHE_FROM <= local.time() < SHE_TO):
        return False, ZERO, False
    delay = act.appointment_start - act.regulated_at
    if delay < dt.timedelta(0) or delay > WINDOW:
        return False, ZERO, False
    return True, quantize_eur(row.amount), row.provisional


def snp_mrt_evaluate(
    acts, *, snp_rows, mrt_rows, she_rows, is_pdsa_time, schedule, gap_error
) -> list[ActDecision]:
    """Every act with its decision and reasons; ``gap_error(code, day)`` builds the error raised
    when an act qualifies but no barème row is in force on its day (nothing is written then)."""
    per_week: dict[tuple[str, str], int] = defaultdict(int)
    decisions = []
    for act in sorted(acts, key=lambda a: (a.appointment_start or a.regulated_at, a.id)):
        code, reasons = act_eligibility(act, is_pdsa_time=is_pdsa_time, schedule=schedule)
        moment = act.appointment_start or act.regulated_at
        day, week = moment.astimezone(PARIS).date(), iso_week(moment)
        amount, paid, provisional = ZERO, False, False
        if code is not None:
            row = _row_on(snp_rows if code == "snp" else mrt_rows, day)
            if row is None:
                raise gap_error(code, day)
            paid, amount, provisional = True, quantize_eur(row.amount), row.provisional
            if code == "snp":
                per_week[(act.rpps, week)] += 1
                rank = per_week[(act.rpps, week)]
                if rank > WEEKLY_CAP:
                    paid, amount = False, ZERO
                    reasons.append(
                        f"{rank}e majoration SNP de la semaine {week} : au-delà de 20, signalée et non payée."
                    )
        she, she_amount, she_provisional = _she(act, she_rows)
        if she:
            reasons.append(
                "Vu entre 19 h et 21 h à la demande du SAS, hors patientèle MT : SHE (provisoire)."
            )
        decisions.append(
            ActDecision(
                act.id,
                act.rpps,
                day,
                week,
                code,
                paid,
                amount,
                she,
                she_amount,
                provisional or she_provisional,
                tuple(reasons),
            )
        )
    return decisions


# --- The same rules over acts grouped by doctor and week (one SQL pass; DOMAIN.md §7.3-§7.4) -----


@dataclass
class PayeeTotal:
    """What one doctor is paid for one code over a period, and why."""

    rpps: str
    code: str
    last_name: str
    first_name: str
    unit: Decimal
    provisional: bool
    ids: list = field(default_factory=list)
    weeks: dict = field(default_factory=dict)
    excess: int = 0
    not_eligible: dict = field(default_factory=dict)


def snp_mrt_from_groups(groups, *, snp_row, mrt_row, she_row, gap_error, first_day) -> tuple[dict, dict]:
    """``(totals by (rpps, code), {"without_rpps": n, "without_rpps_ids": [...], "excess": n})`` from
    :class:`regulation.selectors.pay.ActWeekGroup` rows, with the barème rows in force over the whole
    period. Same outcome as :func:`snp_mrt_evaluate` act by act: the first 20 SNP acts of an ISO week
    (by appointment time) are paid, the others flagged; MRT for the MT; SHE on top (provisional)."""
    totals: dict[tuple[str, str], PayeeTotal] = {}
    info = {"without_rpps": 0, "without_rpps_ids": [], "excess": 0}

    def total(group, code, row) -> PayeeTotal:
        key = (group.rpps, code)
        if key not in totals:
            totals[key] = PayeeTotal(
                group.rpps, code, group.last_name, group.first_name, quantize_eur(row.amount), row.provisional
            )
        return totals[key]

    for group in groups:
        if not group.rpps:
            info["without_rpps"] += len(group.eligible_ids) + group.not_seen + group.late + group.in_pdsa
            info["without_rpps_ids"].extend(group.eligible_ids)
            continue
        code = "mrt" if group.is_treating_doctor else "snp"
        if group.eligible_ids:
            row = mrt_row if code == "mrt" else snp_row
            if row is None:
                raise gap_error(code, first_day)
            paid = group.eligible_ids if code == "mrt" else group.eligible_ids[:WEEKLY_CAP]
            target = total(group, code, row)
            target.ids.extend(paid)
            target.weeks[group.week] = target.weeks.get(group.week, 0) + len(paid)
            if code == "snp" and len(group.eligible_ids) > WEEKLY_CAP:
                target.excess += len(group.eligible_ids) - WEEKLY_CAP
                info["excess"] += len(group.eligible_ids) - WEEKLY_CAP
        if group.not_seen or group.late or group.in_pdsa:
            holder = totals.get((group.rpps, code))
            if holder is not None:
                for reason, n in (
                    ("Patient non vu", group.not_seen),
                    ("Au-delà de 48 h", group.late),
                    ("Horaires de PDSA", group.in_pdsa),
                ):
                    if n:
                        holder.not_eligible[reason] = holder.not_eligible.get(reason, 0) + n
        if group.she_ids and she_row is not None:
            she = total(group, "she", she_row)
            she.ids.extend(group.she_ids)
            she.weeks[group.week] = she.weeks.get(group.week, 0) + len(group.she_ids)
    return totals, info
