"""Barèmes as dated data (DOMAIN.md §7 intro, §7.1, §7.2, §7.5): seeded rows, gaps, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from remuneration.enums import BaremeCode
from remuneration.exceptions import BaremeGapError
from remuneration.models import Bareme
from remuneration.money import format_eur, quantize_eur
from remuneration.selectors import bareme_in_force
from remuneration.services import bareme_confirm, bareme_save
from sas_platform.enums import Role
from sas_platform.models import AuditEvent

D = dt.date


def test_quantize_eur_rounds_half_up_to_the_cent():
    assert quantize_eur(Decimal("1.005")) == Decimal("1.01")
    assert quantize_eur(Decimal("1.0049")) == Decimal("1.00")
    assert quantize_eur(7) == Decimal("7.00")
    with pytest.raises(TypeError):
        quantize_eur(1.5)


def test_format_eur_is_french():
    assert format_eur(Decimal("1400")) == "1\u202f400,00\u00a0€"
    assert format_eur(Decimal("-15.5")) == "-15,50\u00a0€"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "rate"),
    [
        (D(2022, 7, 11), "100.00"),  # first day of 100 €/h
        (D(2022, 9, 30), "100.00"),  # last day of 100 €/h
        (D(2022, 10, 1), "90.00"),  # 90 €/h from 01/10/2022
        (D(2023, 4, 30), "90.00"),  # JO of 30/04/2023: not yet in force
        (D(2023, 5, 1), "100.00"),  # règlement arbitral, the day after publication
        (D(2026, 11, 2), "100.00"),
    ],
)
def test_regulator_rate_in_force_per_date(on, rate):
    assert bareme_in_force(BaremeCode.REGULATOR_HOUR, on).amount == Decimal(rate)


@pytest.mark.django_db
def test_no_regulator_rate_before_11_july_2022_names_rule_and_date():
    with pytest.raises(BaremeGapError) as excinfo:
        bareme_in_force(BaremeCode.REGULATOR_HOUR, D(2022, 7, 10))
    assert "Heure de régulation SAS" in excinfo.value.message
    assert "10/07/2022" in excinfo.value.message


@pytest.mark.django_db
def test_indicator_8_ends_on_31_december_2025():
    assert bareme_in_force(BaremeCode.INDICATOR_8, D(2025, 12, 31)).amount == Decimal("1400.00")
    with pytest.raises(BaremeGapError) as excinfo:
        bareme_in_force(BaremeCode.INDICATOR_8, D(2026, 1, 1))
    assert "Indicateur 8" in excinfo.value.message and "01/01/2026" in excinfo.value.message


@pytest.mark.django_db
def test_provisional_rows_are_flagged():
    ind9 = bareme_in_force(BaremeCode.INDICATOR_9, D(2026, 9, 30))
    assert ind9.provisional is True
    assert [t["amount"] for t in ind9.tiers] == ["70.00", "210.00", "350.00", "490.00"]
    assert bareme_in_force(BaremeCode.SHE, D(2024, 12, 22)).provisional is True
    with pytest.raises(BaremeGapError):
        bareme_in_force(BaremeCode.SHE, D(2024, 12, 21))
    assert bareme_in_force(BaremeCode.SNP, D(2026, 1, 5)).provisional is False
    assert bareme_in_force(BaremeCode.MRT, D(2026, 1, 5)).amount == Decimal("15.00")


@pytest.mark.django_db
def test_aci_tables_by_size():
    fixed = bareme_in_force(BaremeCode.ACI_ACCESS_FIXED, D(2026, 1, 1))
    assert [fixed.for_size(s) for s in (1, 2, 3, 4)] == [
        Decimal(v) for v in ("55000", "70000", "90000", "110000")
    ]
    assert bareme_in_force(BaremeCode.ACI_PARCOURS, D(2026, 1, 1)).for_size(3) is None


@pytest.mark.django_db
def test_an_administrator_adds_a_row_with_history(make_user):
    admin = make_user(Role.ADMIN_PLATEFORME)
    row = Bareme(
        code=BaremeCode.INDICATOR_8,
        unit="per_year",
        amount=Decimal("1400.00"),
        valid_from=D(2026, 1, 1),
        source="Nouvelle convention (test)",
    )
    bareme_save(actor=admin, bareme=row)
    assert bareme_in_force(BaremeCode.INDICATOR_8, D(2026, 6, 1)).id == row.pk
    row.amount = Decimal("1500.00")
    bareme_save(actor=admin, bareme=row)
    events = list(
        AuditEvent.objects.filter(object_type="remuneration.bareme", object_id=str(row.pk)).order_by("id")
    )
    assert [e.event_type for e in events] == ["remuneration.bareme_created", "remuneration.bareme_changed"]
    assert events[1].params["before"]["amount"] == "1400.00"
    assert events[1].params["after"]["amount"] == "1500.00"


@pytest.mark.django_db
def test_overlapping_rows_are_refused_and_nothing_written(make_user):
    admin = make_user(Role.ADMIN_PLATEFORME)
    before = Bareme.objects.count()
    with pytest.raises(ValidationError):
        bareme_save(
            actor=admin,
            bareme=Bareme(
                code=BaremeCode.SNP,
                unit="per_act",
                amount=Decimal("20"),
                valid_from=D(2026, 1, 1),
                source="x",
            ),
        )
    assert Bareme.objects.count() == before


@pytest.mark.django_db
def test_confirming_a_provisional_row_records_who_and_when(make_user):
    admin = make_user(Role.ADMIN_PLATEFORME)
    row = Bareme.objects.get(code=BaremeCode.SHE)
    bareme_confirm(actor=admin, bareme=row)
    row.refresh_from_db()
    assert row.provisional is False and row.confirmed_by == admin and row.confirmed_at is not None
