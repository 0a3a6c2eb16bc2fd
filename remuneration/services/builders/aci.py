"""ACI CPTS envelopes, yearly (DOMAIN.md §7.6): the socle missions (access, crisis) of each CPTS of
the territory with a signed contract; indicators (§5) shown beside the variable part."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cpts.selectors.pay import cpts_of_territory, cpts_participation_counts
from regulation.selectors.pay import structure_requests_ended_in_appointment
from remuneration.money import ZERO
from remuneration.rules.aci import AciInput, aci_envelope
from remuneration.selectors.baremes import bareme_rows, pick_row
from remuneration.services.builders._common import Context, Draft, LineData

ACI_CODES = (
    "aci_access_fixed",
    "aci_access_variable",
    "aci_parcours",
    "aci_prevention",
    "aci_quality",
    "aci_support",
    "aci_crisis_first",
    "aci_crisis_update",
    "aci_crisis_declared",
    "aci_early_mission",
    "aci_operating_increase",
    "aci_size4_majoration",
)


def aci_tables(on: dt.date) -> dict:
    return {code: pick_row(bareme_rows(code), code, on) for code in ACI_CODES}


def build_aci(ctx: Context) -> Draft:
    year = ctx.period.first_day.year
    on = ctx.period.last_day
    tables = aci_tables(max(on, dt.date(2022, 9, 3)))
    draft = Draft()
    cpts_list = cpts_of_territory(departement=ctx.territory, on=on)
    requests = structure_requests_ended_in_appointment(
        structure_ids=[c.id for c in cpts_list], start=ctx.period.start, end=ctx.period.end
    )
    for cpts in cpts_list:
        if cpts.aci_signed_on and cpts.aci_signed_on.year > year:
            continue
        result = aci_envelope(
            AciInput(
                size=cpts.size,
                members=cpts.members,
                signed_on=cpts.aci_signed_on,
                with_sas=cpts.territory_with_sas,
                year=year,
                missions=("access", "crisis"),
                year_of_contract=max(1, year - cpts.aci_signed_on.year + 1) if cpts.aci_signed_on else 1,
            ),
            tables,
        )
        ident_type, ident = ("FINESS", cpts.finess) if cpts.finess else ("SIRET", cpts.siret)
        why = {
            "case": result.case_label,
            "size": cpts.size,
            "population": cpts.population,
            "members": cpts.members,
            "indicators": {
                **cpts_participation_counts(structure_id=cpts.id, on=on),
                **requests.get(cpts.id, {}),
            },
            "notes": list(result.notes),
            "rule": "DOMAIN.md §7.6",
        }
        parts = [(c.label + " – part fixe", c.fixed, c.mission + ":fixed") for c in result.components]
        parts += [
            (
                c.label + " – part variable (maximum, selon indicateurs atteints)",
                c.variable,
                c.mission + ":variable",
            )
            for c in result.components
            if c.variable
        ]
        parts += [
            (c.label + " – majoration taille 4 (+10 %)", c.majoration, c.mission + ":majoration")
            for c in result.components
            if c.majoration
        ]
        if result.operating_increase:
            parts.append(("Hausse de l'enveloppe de fonctionnement", result.operating_increase, "operating"))
        for label, amount, key in parts:
            if amount == ZERO:
                continue
            draft.lines.append(
                LineData(
                    identifier_type=ident_type,
                    identifier=ident,
                    last_name=cpts.name,
                    first_name="",
                    label=f"{label} – {year}",
                    fact_date=on,
                    quantity=Decimal(1),
                    unit="forfait annuel",
                    unit_amount=amount,
                    amount=amount,
                    fact_key=f"aci:{cpts.id}:{key}",
                    facts=[{"cpts": cpts.id}],
                    why=why,
                )
            )
    return draft
