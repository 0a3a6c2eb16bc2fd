"""Statistics of done vacations as a page, CSV and XLSX (openpyxl), for indemnification."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from planning.vacations.facts import statistics

COLUMNS = [
    ("month", "Mois"),
    ("rpps", "RPPS"),
    ("name", "Professionnel"),
    ("group", "Groupe"),
    ("done", "Vacations effectuées"),
    ("not_done", "Vacations non effectuées"),
    ("hours", "Heures"),
    ("patients", "Patients vus"),
    ("patients_from_sas", "dont adressés par le SAS"),
    ("patients_other", "autres"),
]


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("du", ""))
    except ValueError:
        start = today.replace(day=1, month=1)
    try:
        end = date.fromisoformat(request.GET.get("au", ""))
    except ValueError:
        end = today
    return start, end


def statistics_response(request: HttpRequest, planning) -> HttpResponse:
    start, end = _period(request)
    rows = statistics(planning=planning, start=start, end=end)
    fmt = request.GET.get("format")
    name = f"vacations-{planning.pk}-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([label for _, label in COLUMNS])
        for row in rows:
            writer.writerow(
                [str(row[key]).replace(".", ",") if key == "hours" else row[key] for key, _ in COLUMNS]
            )
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Vacations"
        sheet.append([label for _, label in COLUMNS])
        for row in rows:
            sheet.append([float(row[key]) if key == "hours" else row[key] for key, _ in COLUMNS])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    totals = {
        "done": sum(r["done"] for r in rows),
        "hours": sum((r["hours"] for r in rows), start=0),
        "patients": sum(r["patients"] for r in rows),
        "sas": sum(r["patients_from_sas"] for r in rows),
    }
    return render(
        request,
        "planning/vacations/statistics.html",
        {
            "title": "Statistiques des vacations",
            "planning": planning,
            "rows": rows,
            "columns": COLUMNS,
            "start": start,
            "end": end,
            "totals": totals,
        },
    )
