"""Three weeks of past calls for the demo (``seed_demo``, step 30): dossiers with their timelines,
bookings and outcomes, surnuméraire requests and answers, act facts and regulators' shifts, so
the dashboard, the timelines and the monthly schedule are alive in ``make run``.

Past moments cannot go through the services' transactions (they stamp ``now``), so the rows are
written in bulk here **with the services' own building blocks**: every move of a dossier is checked
by :func:`regulation.services.workflow.transition_check`, a booking's pay facts are set by
:func:`regulation.services.facts.act_facts_record` and its act row built by
:func:`regulation.services.facts.act_fact_build` (what the desk writes), the timeline uses the
services' event types and shift minutes come from ``policies.split_on_duty_minutes``. A few
hundred dossiers take well under a second. Deterministic for a given day (``rng`` drives
everything, times are relative to today's midnight).
"""

from __future__ import annotations

from regulation.demo_history._common import DAYS, HOURLY, REASONS, STORIES, Walk
from regulation.demo_history.seed import seed_history

__all__ = ["DAYS", "HOURLY", "REASONS", "STORIES", "Walk", "seed_history"]
