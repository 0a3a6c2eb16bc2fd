"""ACI CPTS envelopes (DOMAIN.md §7.6; seed 001, avenant 2 in force 03/09/2022; §6 sizes).

- Access-to-care mission (socle), by size: fixed (moyens) + variable (actions et résultats).
- Optional missions (size 4 amounts in reach: parcours, prévention, qualité, accompagnement).
- Crisis mission: year 1 plan / following years update (fixed); on a declared serious crisis for a
  CPTS with a plan (variable).
- **+10 %** on all socle and optional missions (not on operating funding, not on the early-mission
  contract) for a **size-4** CPTS with **at least 100 members**; not retroactive: prorated from the
  later of 03/09/2022 and the day the 100 members were reached.
- Early-mission contract (before the health project is validated); operating envelope increase for
  CPTS signed by 30/09/2022.
- The **4 contract cases** (signed before / after 03/09/2022 × territory with / without a SAS):
  the tables in reach are the same; the case decides the terms (without SAS, the access mission
  keeps the initial ACI terms, i.e. its SNP indicators, until a SAS exists) and who gets the
  operating increase and the non-retroactive majoration.
- Variable part ("actions et résultats", "weighted in the contract", paid "on indicators": §7.6,
  Sénat report r25-032): DOMAIN.md gives no finer formula, so the rule is the contract's own:
  **variable = table maximum × Σ weights (%) of the indicators reached / 100**, an indicator being
  reached when its value for the year is at least its target (all or nothing; a target exactly met
  is reached). Weights not recorded: the variable part cannot be computed (``None`` share); the
  simulator takes a share as given (100 % unless told). Fixed part: 75 % at mission start, prorated to the
  days left in the first year, the balance at the anniversary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from remuneration.money import ZERO, quantize_eur

AVENANT_2 = dt.date(2022, 9, 3)
OPERATING_INCREASE_DEADLINE = dt.date(2022, 9, 30)
MAJORATION_MEMBERS = 100
ADVANCE_SHARE = Decimal("0.75")

#: mission -> (fixed barème code, variable barème code or None)
MISSIONS = {
    "access": ("aci_access_fixed", "aci_access_variable"),
    "parcours": ("aci_parcours", None),
    "prevention": ("aci_prevention", None),
    "quality": ("aci_quality", None),
    "support": ("aci_support", None),
    "crisis": (None, None),  # fixed and variable depend on the contract year and a declared crisis
}
MISSION_LABELS = {
    "access": "Amélioration de l'accès aux soins (socle)",
    "parcours": "Organisation de parcours pluriprofessionnels",
    "prevention": "Actions de prévention",
    "quality": "Qualité et pertinence des soins",
    "support": "Accompagnement des professionnels de santé",
    "crisis": "Réponse aux crises sanitaires (socle)",
}
CRISIS_CHOICES = ("none", "plan", "declared")


@dataclass(frozen=True)
class AciInput:
    size: int
    members: int
    signed_on: dt.date | None
    with_sas: bool
    year: int
    missions: tuple[str, ...] = ("access",)
    year_of_contract: int = 1
    crisis: str = "none"
    early_mission: bool = False
    variable_reached: Decimal = Decimal(1)
    majoration_from: dt.date | None = None
    #: mission → share of the variable part reached (``None``: the contract's weights are not
    #: recorded, nothing computed); missions absent take ``variable_reached``
    variable_shares: dict | None = None


@dataclass(frozen=True)
class AciComponent:
    mission: str
    label: str
    fixed: Decimal
    variable: Decimal
    majoration: Decimal
    note: str = ""
    variable_max: Decimal = ZERO
    variable_computed: bool = True

    @property
    def total(self) -> Decimal:
        return self.fixed + self.variable + self.majoration


@dataclass(frozen=True)
class AciResult:
    case: str
    case_label: str
    components: tuple[AciComponent, ...]
    operating_increase: Decimal
    early_mission: Decimal
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fixed(self) -> Decimal:
        return sum((c.fixed for c in self.components), ZERO)

    @property
    def variable(self) -> Decimal:
        return sum((c.variable for c in self.components), ZERO)

    @property
    def majoration(self) -> Decimal:
        return sum((c.majoration for c in self.components), ZERO)

    @property
    def total(self) -> Decimal:
        return self.fixed + self.variable + self.majoration + self.operating_increase + self.early_mission


def contract_case(signed_on: dt.date | None, with_sas: bool) -> tuple[str, str]:
    """The 4 cases of seed 001: signed before/after 03/09/2022 × territory with/without a SAS."""
    before = signed_on is not None and signed_on < AVENANT_2
    code = f"{'before' if before else 'after'}_{'with' if with_sas else 'without'}_sas"
    label = (
        f"Contrat signé {'avant' if before else 'à partir du'} 03/09/2022, territoire "
        f"{'avec' if with_sas else 'sans'} SAS"
    )
    if not with_sas:
        label += " (mission accès : conditions initiales jusqu'à l'ouverture d'un SAS)"
    return code, label


def size_for_population(population: int) -> int:
    """DOMAIN.md §6 (same rule as ``cpts.selectors.cpts_size_for_population``): size 1 < 40,000;
    2 from 40,000; 3 from 80,000 to 175,000 included; 4 above 175,000."""
    if population < 40_000:
        return 1
    if population < 80_000:
        return 2
    return 3 if population <= 175_000 else 4


def majoration_share(inp: AciInput) -> Decimal:
    """Share of the year the +10 % applies to (0 when not size 4 with ≥ 100 members): not retroactive."""
    if inp.size != 4 or inp.members < MAJORATION_MEMBERS:
        return Decimal(0)
    first, last = dt.date(inp.year, 1, 1), dt.date(inp.year, 12, 31)
    start = max(first, AVENANT_2, inp.majoration_from or first)
    if start > last:
        return Decimal(0)
    return Decimal((last - start).days + 1) / Decimal((last - first).days + 1)


def _crisis(inp: AciInput, tables) -> tuple[Decimal, Decimal, str]:
    code = "aci_crisis_first" if inp.year_of_contract <= 1 else "aci_crisis_update"
    fixed = tables[code].for_size(inp.size) or ZERO
    variable = ZERO
    note = "plan : 1re rédaction" if inp.year_of_contract <= 1 else "plan : mise à jour annuelle"
    if inp.crisis == "declared":
        variable = tables["aci_crisis_declared"].for_size(inp.size) or ZERO
        note += " ; crise sanitaire grave déclarée"
    return fixed, variable, note


def contract_input(cpts, *, year: int, shares) -> AciInput:
    """The two core missions of a CPTS's contract in ``year`` (DOMAIN.md §7.6): its size, members,
    signature date (the contract's year counts from it) and territory, with the variable shares of
    the contract's indicators reached (``None``: not recorded)."""
    signed_on = cpts.aci_signed_on
    return AciInput(
        size=cpts.size,
        members=cpts.members,
        signed_on=signed_on,
        with_sas=cpts.territory_with_sas,
        year=year,
        missions=("access", "crisis"),
        year_of_contract=max(1, year - signed_on.year + 1) if signed_on else 1,
        variable_shares=shares,
    )


def aci_envelope(inp: AciInput, tables) -> AciResult:
    """The annual envelope of a CPTS contract; ``tables`` maps barème codes to rows in force."""
    if inp.size not in (1, 2, 3, 4):
        raise ValueError("La taille d'une CPTS va de 1 à 4.")
    case, case_label = contract_case(inp.signed_on, inp.with_sas)
    share = majoration_share(inp)
    rate = tables["aci_size4_majoration"].amount if share else ZERO
    reached = min(max(inp.variable_reached, Decimal(0)), Decimal(1))
    components = []
    for mission in inp.missions:
        if mission not in MISSIONS:
            raise ValueError(f"Mission inconnue : {mission}.")
        note, table_variable, computed = "", ZERO, True
        if mission == "crisis":
            fixed, variable, note = _crisis(inp, tables)
        else:
            fixed_code, variable_code = MISSIONS[mission]
            fixed = tables[fixed_code].for_size(inp.size)
            if fixed is None:
                fixed, note = (
                    ZERO,
                    f"Montant non disponible pour la taille {inp.size} (barème : taille 4 seulement).",
                )
            table_variable = (tables[variable_code].for_size(inp.size) if variable_code else ZERO) or ZERO
            variable, computed, note = _variable(inp, mission, table_variable, reached, note)
        majoration = quantize_eur((fixed + variable) * rate * share)
        components.append(
            AciComponent(
                mission,
                MISSION_LABELS[mission],
                quantize_eur(fixed),
                variable,
                majoration,
                note,
                variable_max=quantize_eur(table_variable if mission != "crisis" else variable),
                variable_computed=computed,
            )
        )
    operating = ZERO
    if inp.signed_on is not None and inp.signed_on <= OPERATING_INCREASE_DEADLINE:
        operating = (
            quantize_eur(tables["aci_operating_increase"].for_size(inp.size) or ZERO)
            if inp.year == 2022
            else ZERO
        )
    early = (
        quantize_eur(tables["aci_early_mission"].for_size(inp.size) or ZERO) if inp.early_mission else ZERO
    )
    notes = []
    if share and share < 1:
        notes.append(f"Majoration de 10 % non rétroactive : {share:.2%} de l'année.")
    return AciResult(case, case_label, tuple(components), operating, early, tuple(notes))


def fixed_payment_schedule(fixed: Decimal, mission_start: dt.date) -> tuple[Decimal, Decimal, Decimal]:
    """``(prorata, advance, balance)`` of a fixed part in the mission's first year: 75 % at start of
    the days left in the calendar year, the balance (25 %) at the anniversary."""
    last = dt.date(mission_start.year, 12, 31)
    days_in_year = (last - dt.date(mission_start.year, 1, 1)).days + 1
    prorata = Decimal((last - mission_start).days + 1) / Decimal(days_in_year)
    due = quantize_eur(fixed * prorata)
    advance = quantize_eur(due * ADVANCE_SHARE)
    return prorata, advance, due - advance


def _variable(inp: AciInput, mission: str, maximum: Decimal, reached: Decimal, note: str):
    """``(variable, computed, note)`` of a mission: the maximum × the share reached."""
    if not maximum:
        return ZERO, True, note
    shares = inp.variable_shares or {}
    if mission in shares and shares[mission] is None:
        return (
            ZERO,
            False,
            (note + " " if note else "")
            + "Part variable non calculée : indicateurs du contrat non renseignés.",
        )
    share = shares.get(mission, reached)
    share = min(max(share, Decimal(0)), Decimal(1))
    return quantize_eur(maximum * share), True, note


@dataclass(frozen=True)
class IndicatorProgress:
    """One contract indicator against the year's value (DOMAIN.md §5, §7.6)."""

    indicator: str
    weight: Decimal  # % of the variable part
    target: Decimal
    value: Decimal

    @property
    def reached(self) -> bool:
        return self.value >= self.target

    @property
    def progress(self) -> int:
        """Per cent of the target (capped at 100) for a progress bar."""
        if self.target <= 0:
            return 100
        return int(min(self.value / self.target, Decimal(1)) * 100)


def variable_share(progress: list[IndicatorProgress]) -> Decimal | None:
    """Σ weights (%) of the indicators reached / 100, at most 1; ``None`` when the contract's
    indicators are not recorded (DOMAIN.md §7.6: the variable part is paid on indicators, weighted
    in the contract)."""
    if not progress:
        return None
    total = sum((p.weight for p in progress if p.reached), Decimal(0))
    return min(total, Decimal(100)) / Decimal(100)
