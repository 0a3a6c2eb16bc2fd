"""Selectors of the operational dashboard (SAS administrators; DOMAIN.md §3.1 "ARM supervisors
watch queues and times"): every figure is an aggregation in SQL, a fixed number of queries
whatever the volume, on PostgreSQL and on the embedded SQLite alike (percentiles and durations
from ``sas_platform.db_functions``, the same figures on both); no patient data leaves the database (counts and durations only).

Definitions (the page and the CSV say the same):

- *appels*: dossiers opened (``picked_up_at``) in the period;
- *délai de décroché*: ``picked_up_at - call_received_at``, for calls whose arrival time is known
  (telephony / LRM); the SAMU's target is under 60 s (DOMAIN.md §3.1 step 1);
- *AMU / médecine générale*: where the dossier stands (AMU) or went (routed, not AMU);
- *orientations*: ``orientation_result`` of the period's dossiers; *issues des RDV*: bookings'
  statuses;
- *RDV sous 48 h*: among dossiers whose decision needs an appointment (RDV 48 h, téléconsultation,
  visite), those with an obtained appointment (booked, fulfilled or no-show) starting within
  48 h after the decision;
- *délai jusqu'au RDV*: median of ``booking.start - decided_at`` over those appointments;
- *surnuméraire*: requests asked in the period by status; answer time over accepted and refused
  requests (a recorded "no answer" is not an answer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from regulation import policies
from regulation.enums import AppointmentStatus, DossierState, OrientationResult, RequestStatus
from regulation.models import Booking, Dossier, SurnumeraireRequest
from sas_platform.db_functions import EpochSeconds, Percentile

PERIODS = {"jour": "Jour", "semaine": "Semaine", "mois": "Mois"}
OBTAINED = (AppointmentStatus.BOOKED, AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW)
PICKUP_TARGET_SECONDS = 60


def period_bounds(period: str, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the day, the ISO week (Monday first) or the month of ``day``, Paris time."""
    if period == "semaine":
        first = day - dt.timedelta(days=day.weekday())
        last = first + dt.timedelta(days=7)
    elif period == "mois":
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1)
    else:
        first, last = day, day + dt.timedelta(days=1)
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(first, dt.time(0), tzinfo=tz), dt.datetime.combine(last, dt.time(0), tzinfo=tz)


@dataclass
class DashboardFigures:
    period: str
    start: dt.datetime
    end: dt.datetime
    territories: list[str]
    calls: int = 0
    calls_per_hour: list[int] = field(default_factory=lambda: [0] * 24)
    calls_per_day: list[tuple[dt.date, int]] = field(default_factory=list)
    pickup_measured: int = 0
    pickup_median_s: float | None = None
    pickup_p90_s: float | None = None
    pickup_within_target: int = 0
    routed_amu: int = 0
    routed_general_practice: int = 0
    not_routed: int = 0
    orientations: list[tuple[str, str, int]] = field(default_factory=list)
    appointment_outcomes: list[tuple[str, str, int]] = field(default_factory=list)
    needing_appointment: int = 0
    appointment_within_48h: int = 0
    time_to_appointment_median_s: float | None = None
    surnumeraire_by_status: list[tuple[str, str, int]] = field(default_factory=list)
    surnumeraire_requests: int = 0
    surnumeraire_answer_median_s: float | None = None
    surnumeraire_answer_p90_s: float | None = None

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def share_amu(self) -> float | None:
        return self._share(self.routed_amu, self.routed_amu + self.routed_general_practice)

    @property
    def share_general_practice(self) -> float | None:
        return self._share(self.routed_general_practice, self.routed_amu + self.routed_general_practice)

    @property
    def share_appointment_within_48h(self) -> float | None:
        return self._share(self.appointment_within_48h, self.needing_appointment)

    @property
    def share_pickup_within_target(self) -> float | None:
        return self._share(self.pickup_within_target, self.pickup_measured)

    def rows(self) -> list[tuple[str, str, object]]:
        """``(code, label, value)`` of every scalar figure (page table and CSV)."""

        def rounded(value, digits=0):
            if value is None:
                return None
            return round(value, digits) if digits else round(value)

        return [
            ("appels", "Appels (dossiers ouverts)", self.calls),
            ("decroche_mesures", "Appels dont l'heure d'arrivée est connue", self.pickup_measured),
            ("decroche_median_s", "Délai de décroché médian (s)", rounded(self.pickup_median_s)),
            ("decroche_p90_s", "Délai de décroché, 90e centile (s)", rounded(self.pickup_p90_s)),
            ("decroche_sous_60s_pct", "Décrochés en moins de 60 s (%)", self.share_pickup_within_target),
            ("amu", "Orientés vers l'AMU", self.routed_amu),
            ("medecine_generale", "Orientés vers la médecine générale", self.routed_general_practice),
            ("non_orientes", "Pas encore orientés par l'ARM", self.not_routed),
            ("amu_pct", "Part AMU (%)", self.share_amu),
            ("medecine_generale_pct", "Part médecine générale (%)", self.share_general_practice),
            ("besoin_rdv", "Décisions demandant un RDV", self.needing_appointment),
            ("rdv_sous_48h", "Dont RDV obtenu sous 48 h", self.appointment_within_48h),
            ("rdv_sous_48h_pct", "Part avec RDV sous 48 h (%)", self.share_appointment_within_48h),
            (
                "delai_rdv_median_h",
                "Délai médian décision → RDV (h)",
                rounded(
                    None
                    if self.time_to_appointment_median_s is None
                    else self.time_to_appointment_median_s / 3600,
                    1,
                ),
            ),
            ("surnumeraire_demandes", "Demandes en surnuméraire", self.surnumeraire_requests),
            (
                "surnumeraire_reponse_median_s",
                "Délai médian de réponse (s)",
                rounded(self.surnumeraire_answer_median_s),
            ),
            (
                "surnumeraire_reponse_p90_s",
                "Délai de réponse, 90e centile (s)",
                rounded(self.surnumeraire_answer_p90_s),
            ),
        ]

    def chart_data(self) -> dict:
        """What ``static/regulation/dashboard.js`` draws (passed with ``json_script``)."""
        return {
            "hours": {"labels": [f"{h} h" for h in range(24)], "values": self.calls_per_hour},
            "days": {
                "labels": [day.strftime("%d/%m") for day, _ in self.calls_per_day],
                "values": [n for _, n in self.calls_per_day],
            },
            "routing": {
                "labels": ["AMU", "Médecine générale", "Non orienté"],
                "values": [self.routed_amu, self.routed_general_practice, self.not_routed],
            },
            "orientations": {
                "labels": [label for _, label, _ in self.orientations],
                "values": [n for _, _, n in self.orientations],
            },
            "outcomes": {
                "labels": [label for _, label, _ in self.appointment_outcomes],
                "values": [n for _, _, n in self.appointment_outcomes],
            },
            "surnumeraire": {
                "labels": [label for _, label, _ in self.surnumeraire_by_status],
                "values": [n for _, _, n in self.surnumeraire_by_status],
            },
        }


def _calls_over_time(figures, dossiers, period: str, start, end, tz) -> None:
    """Calls per hour of the day, and per day over a week or a month."""
    for row in (
        dossiers.annotate(hour=ExtractHour("picked_up_at", tzinfo=tz)).values("hour").annotate(n=Count("pk"))
    ):
        figures.calls_per_hour[row["hour"]] = row["n"]
    if period != "jour":
        per_day = dict(
            dossiers.annotate(day=TruncDate("picked_up_at", tzinfo=tz))
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
        first = start.date()
        figures.calls_per_day = [
            (first + dt.timedelta(days=i), per_day.get(first + dt.timedelta(days=i), 0))
            for i in range((end.date() - first).days)
        ]


def _surnumeraire_figures(figures, codes, start, end) -> None:
    """Surnuméraire requests of the period: how many, answer times, by status."""
    requests = SurnumeraireRequest.objects.filter(
        dossier__territory_id__in=codes, asked_at__gte=start, asked_at__lt=end
    )
    answered = Q(status__in=[RequestStatus.ACCEPTED, RequestStatus.REFUSED], answered_at__isnull=False)
    answer = EpochSeconds(F("answered_at") - F("asked_at"))
    request_totals = requests.aggregate(
        n=Count("pk"),
        median=Percentile(answer, 0.5, filter=answered),
        p90=Percentile(answer, 0.9, filter=answered),
        **{f"s_{code}": Count("pk", filter=Q(status=code)) for code in RequestStatus.values},
    )
    figures.surnumeraire_requests = request_totals["n"]
    figures.surnumeraire_answer_median_s = request_totals["median"]
    figures.surnumeraire_answer_p90_s = request_totals["p90"]
    figures.surnumeraire_by_status = [
        (code, label, request_totals[f"s_{code}"]) for code, label in RequestStatus.choices
    ]


def dashboard_figures(*, territory_codes, period: str, day: dt.date) -> DashboardFigures:
    """The dashboard of ``territory_codes`` for the period containing ``day``: 6 queries."""
    period = period if period in PERIODS else "jour"
    start, end = period_bounds(period, day)
    codes = sorted(territory_codes)
    figures = DashboardFigures(period=period, start=start, end=end, territories=codes)
    tz = timezone.get_default_timezone()
    dossiers = Dossier.objects.filter(territory_id__in=codes, picked_up_at__gte=start, picked_up_at__lt=end)

    obtained_48h = Booking.objects.filter(dossier=OuterRef("pk"), status__in=OBTAINED, within_48h=True)
    pickup = EpochSeconds(F("picked_up_at") - F("call_received_at"))
    measured = Q(call_received_at__isnull=False)
    totals = dossiers.annotate(obtained_48h=Exists(obtained_48h)).aggregate(
        calls=Count("pk"),
        amu=Count("pk", filter=Q(state=DossierState.AMU)),
        general_practice=Count("pk", filter=Q(routed_at__isnull=False) & ~Q(state=DossierState.AMU)),
        not_routed=Count("pk", filter=Q(routed_at__isnull=True) & ~Q(state=DossierState.AMU)),
        pickup_measured=Count("pk", filter=measured),
        pickup_median=Percentile(pickup, 0.5, filter=measured),
        pickup_p90=Percentile(pickup, 0.9, filter=measured),
        pickup_within=Count(
            "pk",
            filter=measured
            & Q(picked_up_at__lte=F("call_received_at") + dt.timedelta(seconds=PICKUP_TARGET_SECONDS)),
        ),
        needing=Count("pk", filter=Q(decision__in=policies.DECISIONS_TO_ORIENT)),
        within_48h=Count("pk", filter=Q(decision__in=policies.DECISIONS_TO_ORIENT, obtained_48h=True)),
    )
    figures.calls = totals["calls"]
    figures.routed_amu, figures.routed_general_practice = totals["amu"], totals["general_practice"]
    figures.not_routed = totals["not_routed"]
    figures.pickup_measured, figures.pickup_within_target = totals["pickup_measured"], totals["pickup_within"]
    figures.pickup_median_s, figures.pickup_p90_s = totals["pickup_median"], totals["pickup_p90"]
    figures.needing_appointment, figures.appointment_within_48h = totals["needing"], totals["within_48h"]

    _calls_over_time(figures, dossiers, period, start, end, tz)

    results = dict(
        dossiers.exclude(orientation_result="")
        .values("orientation_result")
        .annotate(n=Count("pk"))
        .values_list("orientation_result", "n")
    )
    figures.orientations = [
        (code, label, results[code]) for code, label in OrientationResult.choices if code in results
    ]

    bookings = Booking.objects.filter(dossier__in=dossiers)
    by_status = dict(bookings.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    shown = (*OBTAINED, AppointmentStatus.CANCELLED)
    figures.appointment_outcomes = [
        (code, label, by_status.get(code, 0)) for code, label in AppointmentStatus.choices if code in shown
    ]
    figures.time_to_appointment_median_s = bookings.filter(
        status__in=OBTAINED, start__isnull=False, dossier__decided_at__isnull=False
    ).aggregate(median=Percentile(EpochSeconds(F("start") - F("dossier__decided_at")), 0.5))["median"]

    _surnumeraire_figures(figures, codes, start, end)
    return figures
