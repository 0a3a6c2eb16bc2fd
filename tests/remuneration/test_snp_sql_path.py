"""The one-query path of SNP/MRT/SHE (PostgreSQL) gives exactly the act-by-act rules' outcome."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from remuneration.rules.periods import period_parse
from remuneration.services.builders import acts as builder
from remuneration.services.builders._common import Context
from tests.remuneration.conftest import make_acts, paris


def _lines(draft):
    return {line.fact_key: (line.quantity, line.amount, sorted(line.facts)) for line in draft.lines}


def test_grouped_sql_path_equals_act_by_act(people, monkeypatch):
    rng = random.Random(7)
    boundaries = [
        paris(2026, 11, 7, 11, 59),
        paris(2026, 11, 7, 12, 0),
        paris(2026, 11, 4, 19, 59),
        paris(2026, 11, 4, 20, 0),
        paris(2026, 11, 11, 10, 0),
        paris(2026, 11, 8, 10, 0),
        paris(2026, 11, 3, 19, 30),
        paris(2026, 11, 3, 7, 59),
    ]
    specs = [{"start": start, "regulated": start - dt.timedelta(hours=48)} for start in boundaries]
    specs += [{"start": paris(2026, 11, 5, 10, 0), "regulated": paris(2026, 11, 3, 9, 59)}]  # 48 h 01
    monday = paris(2026, 11, 16, 8, 0)
    specs += [{"start": monday + dt.timedelta(minutes=20 * i)} for i in range(23)]  # over the weekly cap
    for _ in range(120):
        start = paris(2026, 11, 1, 0, 0) + dt.timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        specs.append(
            {
                "start": start,
                "regulated": start - dt.timedelta(hours=rng.choice((1, 20, 47, 49))),
                "rpps": rng.choice(("10101010105", "10003384327", "")),
                "mt": rng.random() < 0.2,
                "outcome": rng.choice(("fulfilled", "fulfilled", "noshow")),
            }
        )
    make_acts(specs, actor=people["admin_sas"])
    ctx = Context("13", period_parse("snp_mrt", "2026-11"))
    grouped = builder.build_snp_mrt(ctx)
    monkeypatch.setattr(builder, "act_week_groups", lambda **kwargs: None)
    act_by_act = builder.build_snp_mrt(ctx)
    assert _lines(grouped) == _lines(act_by_act)
    assert (
        {a["code"] for a in grouped.anomalies}
        == {a["code"] for a in act_by_act.anomalies}
        == {"act_without_rpps", "snp_weekly_cap"}
    )
    assert any(key.startswith("she:") for key in _lines(grouped))


@pytest.mark.parametrize("period", ["2024-12"])
def test_a_barème_starting_inside_the_month_goes_act_by_act(people, period):
    # SHE starts on 22/12/2024: December 2024 is computed act by act, SHE only from the 22nd.
    make_acts(
        [{"start": paris(2024, 12, 20, 19, 30)}, {"start": paris(2024, 12, 23, 19, 30)}],
        actor=people["admin_sas"],
    )
    draft = builder.build_snp_mrt(Context("13", period_parse("snp_mrt", period)))
    she = next(line for line in draft.lines if line.fact_key.startswith("she:"))
    assert she.quantity == 1
