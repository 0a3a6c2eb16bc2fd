"""SNP cooperation protocols, semestrial (DOMAIN.md §7.7): per structure and protocol code.

After a semester's bordereau is locked, the structures' entry page and
:func:`~remuneration.services.protocols.protocol_act_record` refuse its dates; its acts still change
through the admin (platform administrators): an act recorded late (a report that reached the CPAM
after the export), corrected (protocol, first or second consultation, date, structure, a common-law
billing found afterwards: not cumulable, so no longer paid) or deleted (recorded by mistake). Each
lands in the next computed semester of the territory as an adjustment line of the structure
(:mod:`.late`): the locked semester is rebuilt from its acts as they are now and diffed line by line
(``<code>:<structure>@<semester>``), made once. There is no cheap "changed since" test here (the
admin leaves no trace of a deletion), so every locked semester is rebuilt: one indexed query of its
acts, the same as computing it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from cpts.selectors.pay import structures_of_departement
from remuneration.enums import BordereauKind
from remuneration.models import ProtocolAct
from remuneration.money import ZERO, quantize_eur
from remuneration.rules.protocols import protocol_act_pay
from remuneration.selectors.baremes import bareme_rows, gap_error
from remuneration.services.builders._common import Context, Draft, LineData
from remuneration.services.builders.late import late_adjustments

LABELS = {
    "protocol_first": "Protocoles SNP : patients inclus / réévaluations",
    "protocol_second": "Protocoles SNP : 2e consultations kiné",
}


def build_protocols(ctx: Context) -> Draft:
    structures = structures_of_departement(departement=ctx.territory)
    acts = list(
        ProtocolAct.objects.filter(
            structure_id__in=list(structures),
            act_date__gte=ctx.period.first_day,
            act_date__lte=ctx.period.last_day,
        ).order_by("act_date", "id")
    )
    first, second = bareme_rows("protocol_first"), bareme_rows("protocol_second")
    groups: dict[tuple[int, str], list] = defaultdict(list)
    refused: dict[int, list] = defaultdict(list)
    for act in acts:
        decision = protocol_act_pay(act, first_rows=first, second_rows=second, gap_error=gap_error)
        if decision.code is None:
            refused[act.structure_id].append({"act": act.id, "reason": decision.reason})
        else:
            groups[(act.structure_id, decision.code)].append((act, decision))
    draft = Draft()
    for (structure_id, code), items in sorted(groups.items()):
        structure = structures[structure_id]
        ident_type, ident = ("FINESS", structure.finess) if structure.finess else ("SIRET", structure.siret)
        unit = items[0][1].amount
        draft.lines.append(
            LineData(
                identifier_type=ident_type,
                identifier=ident,
                last_name=structure.name,
                first_name="",
                label=f"{LABELS[code]} – {ctx.period.code}",
                fact_date=ctx.period.last_day,
                quantity=Decimal(len(items)),
                unit="patient",
                unit_amount=unit,
                amount=quantize_eur(sum((d.amount for _, d in items), ZERO)),
                fact_key=f"{code}:{structure_id}",
                facts=[a.id for a, _ in items],
                why={
                    "by_protocol": {
                        p: sum(1 for a, _ in items if a.protocol == p) for p in {a.protocol for a, _ in items}
                    },
                    "not_cumulable": refused.get(structure_id, []),
                    "rule": "DOMAIN.md §7.7",
                },
            )
        )
    if ctx.adjustments:
        draft.lines.extend(late_adjustments(ctx, BordereauKind.PROTOCOLS, build_protocols, _always))
    return draft


def _always(ctx: Context, old, since) -> bool:
    return True  # see the module docstring: a deletion leaves no trace to test
