"""What the remuneration bench compares its compute with (bench_remuneration.py, issue 12), on the
same facts in the same run: the bare SQL aggregate of the same counts (``sql_s``), and two floors
any engine pays: reading the year's acts once (``facts_fetch_s``) and writing the lines again
server-side (``lines_write_s``). Not a ``bench_*.py`` script: ``make bench`` does not run it alone."""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection
from django.utils import timezone

PARIS = timezone.get_default_timezone()


SQL = [
    # indicator 9: surnuméraire acts seen, per doctor and quarter (Paris time)
    """SELECT rpps, extract(quarter FROM appointment_start AT TIME ZONE 'Europe/Paris') q, count(*)
       FROM regulation_actfact WHERE territory_id = '13' AND is_surnumeraire AND outcome = 'fulfilled'
       AND appointment_start >= %(start)s AND appointment_start < %(end)s GROUP BY 1, 2""",
    # SNP / MRT: eligible acts per doctor, month and ISO week, MT or not
    """SELECT rpps, is_treating_doctor, date_trunc('month', appointment_start AT TIME ZONE 'Europe/Paris') m,
       date_trunc('week', appointment_start AT TIME ZONE 'Europe/Paris') w, count(*)
       FROM regulation_actfact WHERE territory_id = '13' AND outcome = 'fulfilled' AND within_48h AND outside_pdsa
       AND rpps <> '' AND appointment_start >= %(start)s AND appointment_start < %(end)s GROUP BY 1, 2, 3, 4""",
    # indicator 8: declarations in force during the year and declared weekly hours per doctor
    """SELECT p.professional_id, count(*), coalesce(sum(extract(epoch FROM d.end_time - d.start_time)) / 3600, 0)
       FROM cpts_sasparticipation p LEFT JOIN planning_declaredavailability d
       ON d.professional_id = p.professional_id AND d.is_active
       WHERE p.start_date <= %(last)s AND (p.end_date IS NULL OR p.end_date >= %(first)s) GROUP BY 1""",
    # regulators: SAS minutes per regulator in December
    """SELECT regulator_id, sum(sas_minutes) FROM regulation_regulatorshift WHERE territory_id = '13' AND is_current
       AND NOT cancelled AND start >= %(dec)s AND start < %(end)s GROUP BY 1""",
]


def sql_aggregate(year: int) -> float:
    params = {
        "start": dt.datetime(year, 1, 1, tzinfo=PARIS),
        "end": dt.datetime(year + 1, 1, 1, tzinfo=PARIS),
        "dec": dt.datetime(year, 12, 1, tzinfo=PARIS),
        "first": dt.date(year, 1, 1),
        "last": dt.date(year, 12, 31),
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in SQL:
            cursor.execute(sql, params)
            cursor.fetchall()
    return time.perf_counter() - started


def lines_write(year: int) -> float:
    """The other floor: writing the year's computed lines again, server-side, into an unindexed
    copy of the lines table (no Python, no trigger): what any engine that stores them pays."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_lines_floor")
        cursor.execute(
            "CREATE TEMP TABLE bench_lines_floor (LIKE remuneration_bordereauline INCLUDING DEFAULTS)"
        )
        started = time.perf_counter()
        cursor.execute(
            """INSERT INTO bench_lines_floor SELECT l.* FROM remuneration_bordereauline l
               JOIN remuneration_bordereau b ON b.id = l.bordereau_id
               WHERE b.territory_id = '13' AND b.period LIKE %s""",
            [f"{year}%"],
        )
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_lines_floor")
    return elapsed


def facts_fetch(year: int) -> float:
    """A floor for any engine whose rules see each act (issue 12: "every act shows why it is or is
    not eligible"): the time to read the year's act rows, the columns the rules use, once."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT id, rpps, doctor_name, appointment_start, regulated_at, is_surnumeraire,
               is_treating_doctor, within_48h, outside_pdsa, outcome FROM regulation_actfact
               WHERE territory_id = '13' AND appointment_start >= %s AND appointment_start < %s""",
            [dt.datetime(year, 1, 1, tzinfo=PARIS), dt.datetime(year + 1, 1, 1, tzinfo=PARIS)],
        )
        cursor.fetchall()
    return time.perf_counter() - started
