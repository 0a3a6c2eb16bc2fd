"""Browser journey of a CPTS coordinator (issue 12; DOMAIN.md §5, §7.6, §7.7): records a protocol
act (a refused cumulation first, with its French message), downloads the semester's reporting file,
then reads the CPTS indicators (vacations done included) and the contract's variable part on the
ACI page, on a desktop and at 375 px. Screenshots in tests/e2e/screenshots/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from planning.vacations import services as vacations
from remuneration.models import AciIndicatorTarget, ProtocolAct
from sas_platform.models import User
from tests.cpts.factories import CoordinatorFactory
from tests.planning.vacations.factories import make_planning, make_vacation

SHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def cpts_world(demo_platform):
    from django.utils import timezone

    from remuneration.migrations._bareme_seed import seed
    from remuneration.models import Bareme

    seed(Bareme)  # a previous browser test's flush emptied the table the data migration filled
    coordinator = User.objects.get(email="coordinateur@demo.sas")
    setup = make_planning(members=2, coordinator=False)
    structure = setup["structure"]
    structure.name, structure.aci_signed_on, structure.size_override = (
        "CPTS du Vieux-Port",
        dt.date(2023, 3, 1),
        2,
    )
    structure.finess = "130077777"
    structure.save()
    CoordinatorFactory(user=coordinator, structure=structure)
    doctor = setup["people"][0]
    doctor.last_name, doctor.first_name = "Bernard", "Louise"
    doctor.save()
    today = timezone.localdate()
    ref = _reference_day(today)
    for days in (3, 10, 17):
        start = timezone.make_aware(dt.datetime.combine(ref - dt.timedelta(days=days), dt.time(14)))
        vacation = make_vacation(setup, start, assignee=doctor)
        vacations.vacation_confirm(vacation_id=vacation.pk, done=True, patients_seen=4, actor=None)
    for indicator, weight, target in (("vacations_done", 60, 3), ("sas_requests_with_appointment", 40, 10)):
        AciIndicatorTarget.objects.create(
            structure=structure, year=ref.year, mission="access", indicator=indicator,
            weight=Decimal(weight), target=Decimal(target),
        )  # fmt: skip
    return {"structure": structure, "doctor": doctor, "today": today, "ref": ref}


def _reference_day(today: dt.date) -> dt.date:
    """The day the journey's facts are dated from: today, except in the first 20 days of a
    semester, when it is the last day of the previous one, so that the three past vacations
    (3 to 17 days before) and the protocol act (the day before) fall in one year and one semester
    whatever day the suite runs (the pages are then opened on that year and semester)."""
    first = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    return first - dt.timedelta(days=1) if (today - first).days < 20 else today


def _fill(page, doctor, day: dt.date, *, cumulated: bool):
    form = page.get_by_test_id("protocol-form")
    form.locator("select[name=protocol]").select_option("urinary")
    form.get_by_label("Patient (pseudonyme)").fill("PAT-2026-017")
    form.get_by_label("Date de l'acte").fill(day.isoformat())
    form.locator("select[name=professional]").select_option(str(doctor.pk))
    form.get_by_text("Première consultation (inclusion)").click()
    box = form.locator("input[name=common_law_billed]")
    if box.is_checked() != cumulated:
        form.locator("label[for=id_common_law_billed]").click()


def test_coordinator_records_a_protocol_act_and_reads_the_indicators(cpts_world, live_server, page, login):
    SHOTS.mkdir(parents=True, exist_ok=True)
    structure, doctor = cpts_world["structure"], cpts_world["doctor"]
    ref = cpts_world["ref"]
    day = ref - dt.timedelta(days=1)
    year = f"?annee={ref.year}"
    login(page, "coordinateur@demo.sas")
    page.get_by_role("link", name="Protocoles de coopération").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CPTS du Vieux-Port")
    expect(page.get_by_test_id("protocol-empty")).to_be_visible()

    _fill(page, doctor, day, cumulated=True)
    page.get_by_role("button", name="Enregistrer l'acte").click()
    expect(page.get_by_test_id("protocol-form")).to_contain_text("Non cumulable")
    page.screenshot(path=str(SHOTS / "remuneration-structures-1-refused.png"), full_page=True)
    assert not ProtocolAct.objects.exists()

    _fill(page, doctor, day, cumulated=False)
    page.get_by_role("button", name="Enregistrer l'acte").click()
    expect(page.get_by_test_id("protocol-acts")).to_contain_text("PAT-2026-017")
    expect(page.get_by_test_id("protocol-acts")).to_contain_text("Bernard Louise")
    page.screenshot(path=str(SHOTS / "remuneration-structures-2-recorded.png"), full_page=True)
    with page.expect_download() as report:
        page.get_by_test_id("protocol-report").click()
    text = Path(report.value.path()).read_text(encoding="utf-8-sig")
    assert "PAT-2026-017" in text and "25,00" in text and structure.finess in text
    assert ProtocolAct.objects.get().recorded_by.email == "coordinateur@demo.sas"

    page.get_by_role("link", name="Enveloppe ACI et indicateurs").first.click()
    if ref.year != cpts_world["today"].year:
        page.goto(f"{live_server.url}/remuneration/aci/{year}")
    envelope = page.get_by_test_id("aci-envelope")
    expect(envelope.get_by_test_id("vacations-done")).to_contain_text("3 (12,00 h, 12 patients")
    expect(envelope.get_by_test_id("aci-contract")).to_contain_text("atteint")
    expect(envelope.get_by_test_id("aci-share")).to_have_text("60 %")
    expect(envelope.get_by_test_id("aci-variable").first).to_contain_text("18\u202f000,00")  # 30,000 × 60 %
    page.screenshot(path=str(SHOTS / "remuneration-structures-3-indicators.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/remuneration/aci/{year}")
    expect(page.get_by_test_id("aci-contract")).to_be_visible()
    page.screenshot(path=str(SHOTS / "remuneration-structures-4-indicators-375.png"), full_page=True)
    semester = f"{day.year}-S{1 if day.month <= 6 else 2}"
    page.goto(f"{live_server.url}/remuneration/protocoles/{structure.pk}/?semestre={semester}")
    expect(page.get_by_test_id("protocol-acts")).to_contain_text("PAT-2026-017")
    page.screenshot(path=str(SHOTS / "remuneration-structures-5-protocols-375.png"), full_page=True)
