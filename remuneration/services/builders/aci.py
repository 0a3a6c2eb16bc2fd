"""ACI CPTS envelopes, yearly (DOMAIN.md §7.6): the socle missions (access, crisis) of each CPTS of
the territory with a signed contract; the variable part weighed on the contract's indicators (§5)
reached in the year (:func:`remuneration.rules.aci.variable_share`). A CPTS whose contract
indicators are not recorded gets no variable line and a blocking anomaly naming it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from cpts.selectors.pay import cpts_of_territory
from remuneration.money import ZERO
from remuneration.rules.aci import aci_envelope, contract_input
from remuneration.selectors.aci import aci_contract_progress, cpts_indicators_of_period, variable_shares_of
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


def _indicators_why(indicators, progress) -> dict:
    values = {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(indicators).items()}
    contract = {
        mission: [
            {
                "indicator": p.indicator,
                "weight": str(p.weight),
                "target": str(p.target),
                "value": str(p.value),
                "reached": p.reached,
            }
            for p in item.indicators
        ]
        for mission, item in (progress or {}).items()
    }
    return {"values": values, "contract": contract}


def build_aci(ctx: Context) -> Draft:
    year = ctx.period.first_day.year
    on = ctx.period.last_day
    tables = aci_tables(max(on, dt.date(2022, 9, 3)))
    draft = Draft()
    cpts_list = [
        c for c in cpts_of_territory(departement=ctx.territory, on=on)
        if not (c.aci_signed_on and c.aci_signed_on.year > year)
    ]  # fmt: skip
    indicators = cpts_indicators_of_period(cpts_ids=[c.id for c in cpts_list], period=ctx.period)
    progress = aci_contract_progress(cpts_ids=[c.id for c in cpts_list], year=year, indicators=indicators)
    for cpts in cpts_list:
        result = aci_envelope(
            contract_input(cpts, year=year, shares=variable_shares_of(progress.get(cpts.id))),
            tables,
        )
        for c in result.components:
            if not c.variable_computed:
                draft.anomalies.append(
                    {
                        "code": "aci_indicators_missing",
                        "message": f"{cpts.name} : indicateurs du contrat ACI {year} (poids et cibles) non "
                        f"renseignés, part variable « {c.label} » (au plus {c.variable_max} €) non calculée. "
                        "Un administrateur de la plateforme les saisit d'après le contrat signé.",
                        "facts": [f"cpts:{cpts.id}"],
                    }
                )
        draft.lines.extend(_lines(cpts, result, year, on, indicators.get(cpts.id), progress.get(cpts.id)))
    return draft


def _lines(cpts, result, year: int, on: dt.date, indicators, progress) -> list[LineData]:
    ident_type, ident = ("FINESS", cpts.finess) if cpts.finess else ("SIRET", cpts.siret)
    why = {
        "case": result.case_label,
        "size": cpts.size,
        "population": cpts.population,
        "members": cpts.members,
        "indicators": _indicators_why(indicators, progress) if indicators else {},
        "notes": list(result.notes),
        "rule": "DOMAIN.md §7.6 : part variable = maximum × Σ poids des indicateurs atteints",
    }
    parts = [(c.label + " – part fixe", c.fixed, c.mission + ":fixed") for c in result.components]
    parts += [
        (
            f"{c.label} – part variable ({c.variable} € sur {c.variable_max} €, indicateurs atteints)"
            if c.mission == "access"
            else c.label + " – part variable",
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
    return [
        LineData(
            identifier_type=ident_type,
            identifier=ident,
            last_name=cpts.name,
            first_name="",
            label=f"{label} – {year}"[:255],
            fact_date=on,
            quantity=Decimal(1),
            unit="forfait annuel",
            unit_amount=amount,
            amount=amount,
            fact_key=f"aci:{cpts.id}:{key}",
            facts=[{"cpts": cpts.id}],
            why=why,
        )
        for label, amount, key in parts
        if amount != ZERO
    ]
