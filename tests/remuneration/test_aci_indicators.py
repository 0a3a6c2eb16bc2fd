"""CPTS indicators (DOMAIN.md §5) with vacations done, and the ACI variable part weighed on the
contract's indicators (§7.6): worked examples and boundaries, the builder, the page, the admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cpts.models import StructureCoordinator
from planning.selectors import vacation_totals_by_structure
from planning.vacations import services as vacations
from remuneration.models import AciIndicatorTarget
from remuneration.rules.aci import AciInput, IndicatorProgress, aci_envelope, variable_share
from remuneration.rules.cpts_indicators import consultation_category, cpts_indicators
from remuneration.services import aci_target_save, bordereau_compute
from remuneration.services.builders.aci import aci_tables
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from tests.planning.vacations.factories import make_planning, make_vacation
from tests.planning.vacations.factories import paris as paris_utc

D = dt.date
pytestmark = pytest.mark.django_db


def progress(*items):
    return [IndicatorProgress(code, Decimal(w), Decimal(t), Decimal(v)) for code, w, t, v in items]


CONTRACT = (
    ("vacations_done", 40, 50),
    ("sas_requests_with_appointment", 35, 100),
    ("participating_doctors", 25, 20),
)


def contract(values):
    return progress(*[(code, w, t, values[i]) for i, (code, w, t) in enumerate(CONTRACT)])


def size4_access(share):
    return aci_envelope(
        AciInput(
            size=4,
            members=50,
            signed_on=D(2023, 1, 15),
            with_sas=True,
            year=2026,
            variable_shares={"access": share},
        ),
        aci_tables(D(2026, 12, 31)),
    ).components[0]


def test_variable_part_none_reached_is_zero():
    share = variable_share(contract([49, 99, 19]))
    assert share == 0 and size4_access(share).variable == Decimal("0.00")


def test_variable_part_all_reached_is_the_maximum():
    share = variable_share(contract([80, 150, 30]))
    assert share == 1 and size4_access(share).variable == Decimal("45000.00")


def test_variable_part_partial_is_the_weights_reached():
    share = variable_share(contract([60, 10, 25]))  # vacations (40 %) and doctors (25 %) reached
    assert share == Decimal("0.65") and size4_access(share).variable == Decimal("29250.00")


def test_target_exactly_met_is_reached_and_one_below_is_not():
    assert variable_share(contract([50, 100, 20])) == 1
    assert variable_share(contract([50, 100, 19])) == Decimal("0.75")


def test_weights_under_100_pay_only_what_is_weighed_and_none_recorded_computes_nothing():
    assert variable_share(progress(("vacations_done", 60, 10, 12))) == Decimal("0.6")
    assert variable_share([]) is None
    component = size4_access(None)
    assert component.variable == Decimal("0.00") and not component.variable_computed
    assert component.variable_max == Decimal("45000.00") and "non renseignés" in component.note
    # +10 % (size 4, ≥ 100 members) applies to the variable part actually reached
    with_majoration = aci_envelope(
        AciInput(
            size=4,
            members=100,
            signed_on=D(2023, 1, 1),
            with_sas=True,
            year=2026,
            variable_shares={"access": Decimal("0.5")},
        ),
        aci_tables(D(2026, 12, 31)),
    ).components[0]
    assert with_majoration.majoration == Decimal("13250.00")  # (110,000 + 22,500) × 10 %


@dataclass(frozen=True)
class Act:
    outcome: str
    is_treating_doctor: bool
    professional_id: int | None


def test_snp_consultations_by_category_and_vacations():
    professions = {1: ("10", "SM54"), 2: ("10", "SM04"), 3: ("50", "")}
    acts = [
        Act("fulfilled", True, 1), Act("fulfilled", False, 1), Act("fulfilled", False, None),
        Act("fulfilled", False, 2), Act("fulfilled", False, 3), Act("noshow", False, 1),
    ]  # fmt: skip
    totals = vacation_totals_by_structure(structure_ids=[0], start=D(2026, 1, 1), end=D(2026, 12, 31))[0]
    result = cpts_indicators(counts={}, requests={}, acts=acts, vacations=totals, professions=professions)
    assert (result.consultations_mg_own, result.consultations_mg_other) == (1, 2)
    assert (result.consultations_specialists, result.consultations_paramedics, result.snp_consultations) == (
        1,
        1,
        5,
    )
    assert consultation_category(("10", ""), False) == "mg_other"
    assert result.vacations_done == 0 and result.value("vacations_done") == 0


def test_vacation_totals_per_structure_in_paris_days():
    setup = make_planning(members=2)
    doctor = setup["people"][0]
    done = make_vacation(setup, paris_utc(2026, 3, 31, 22), hours=4, assignee=doctor)  # 31/03 in Paris
    april = make_vacation(setup, paris_utc(2026, 4, 1, 0, 30), hours=3, assignee=doctor)  # 31/03 22:30 UTC
    missed = make_vacation(setup, paris_utc(2026, 3, 2, 14), assignee=doctor)
    make_vacation(setup, paris_utc(2026, 3, 3, 14), assignee=doctor)  # never confirmed
    vacations.vacation_confirm(vacation_id=done.pk, done=True, patients_seen=6, actor=None)
    vacations.vacation_confirm(vacation_id=april.pk, done=True, patients_seen=2, actor=None)
    vacations.vacation_confirm(vacation_id=missed.pk, done=False, patients_seen=None, actor=None)
    pk = setup["structure"].pk
    march = vacation_totals_by_structure(structure_ids=[pk], start=D(2026, 3, 1), end=D(2026, 3, 31))[pk]
    assert (march.done, march.not_done, march.hours, march.patients_seen) == (1, 1, Decimal("4.00"), 6)
    q2 = vacation_totals_by_structure(structure_ids=[pk], start=D(2026, 4, 1), end=D(2026, 6, 30))[pk]
    assert (q2.done, q2.hours) == (1, Decimal("3.00"))


def _cpts_with_vacations(year: int):
    setup = make_planning(members=3)
    structure = setup["structure"]
    structure.aci_signed_on, structure.size_override, structure.finess = D(2023, 1, 15), 2, "130009999"
    structure.save()
    for day in range(1, 6):
        vacation = make_vacation(setup, paris_utc(year, 2, day, 14), assignee=setup["people"][0])
        vacations.vacation_confirm(vacation_id=vacation.pk, done=True, patients_seen=3, actor=None)
    return setup


def _target(structure, indicator, weight, target, year=2026):
    return AciIndicatorTarget.objects.create(
        structure=structure, year=year, mission="access", indicator=indicator, weight=weight, target=target
    )


def test_builder_weighs_the_variable_part_and_flags_a_contract_without_indicators(people, territory):
    setup = _cpts_with_vacations(2026)
    draft = bordereau_compute(actor=people["admin_sas"], kind="aci", territory_code="13", period="2026")
    assert any(a["code"] == "aci_indicators_missing" for a in draft.bordereau.anomalies)
    assert not draft.bordereau.lines.filter(fact_key__endswith="access:variable").exists()
    _target(setup["structure"], "vacations_done", 60, 5)  # 5 done: reached (exactly)
    _target(setup["structure"], "sas_requests_with_appointment", 40, 10)  # 0: not reached
    result = bordereau_compute(actor=people["admin_sas"], kind="aci", territory_code="13", period="2026")
    line = result.bordereau.lines.get(fact_key__endswith="access:variable")
    assert line.amount == Decimal("18000.00")  # size 2: 30,000 × 60 %
    assert line.why["indicators"]["values"]["vacations_done"] == 5
    assert [c["reached"] for c in line.why["indicators"]["contract"]["access"]] == [True, False]
    assert not [a for a in result.bordereau.anomalies if a["code"] == "aci_indicators_missing"]


def test_coordinator_page_shows_vacations_and_contract_progress_read_only(people, territory):
    setup = _cpts_with_vacations(2026)
    StructureCoordinator.objects.create(user=people["coordinator"], structure=setup["structure"])
    _target(setup["structure"], "vacations_done", 70, 4)
    _target(setup["structure"], "participating_doctors", 30, 10)
    client = Client()
    client.force_login(people["coordinator"])
    page = client.get("/remuneration/aci/?annee=2026").content.decode()
    assert 'data-testid="vacations-done">5 (20,00 h, 15 patients' in page
    assert "Vacations SNP effectuées" in page and ">atteint<" in page
    assert 'data-testid="aci-share">70 %' in page and "21\u202f000,00" in page  # 30,000 × 70 %
    assert "<form" not in page.split('data-testid="aci-contract"')[1].split("</table>")[0]
    assert client.get("/remuneration/aci/?annee=abc").status_code == 200


def test_weights_over_100_refused_and_changes_audited(people, territory, make_user):
    setup = _cpts_with_vacations(2026)
    admin = make_user(Role.ADMIN_PLATEFORME, email="apf@test.fr")
    first = AciIndicatorTarget(
        structure=setup["structure"], year=2026, mission="access", indicator="vacations_done",
        weight=Decimal(70), target=Decimal(4),
    )  # fmt: skip
    aci_target_save(actor=admin, target=first)
    second = AciIndicatorTarget(
        structure=setup["structure"], year=2026, mission="access", indicator="participating_doctors",
        weight=Decimal(40), target=Decimal(4),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="dépasseraient 100 %"):
        aci_target_save(actor=admin, target=second)
    assert AciIndicatorTarget.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="remuneration.aci_target_saved").count() == 1


def test_admin_is_for_platform_administrators(people, territory, make_user):
    admin = make_user(Role.ADMIN_PLATEFORME, email="apf2@test.fr", is_staff=True)
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/remuneration/aciindicatortarget/add/").status_code == 200
    client.force_login(people["coordinator"])
    assert client.get("/admin/remuneration/aciindicatortarget/").status_code in (302, 403)
