"""Models of `planning` (WHEN): agenda sources, their runs, aggregated slots, declared availability.

DOMAIN.md §3.3: a slot has a start, an end, slot types (PUBLIC / PRO / SNP / CPTS), consultation
modalities (AMB / VR / HH), a specialty, bookable or walk-in, and the editor's booking URL.
Slots come from agenda sources (polled ahead of time by Celery) or are owned by the platform
(declared availability, DOMAIN.md §4), in which case ``source`` is null.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from planning.enums import (
    AvailabilityKind,
    Modality,
    RunStatus,
    RunTrigger,
    SlotStatus,
    SlotType,
    SourceHealth,
    SourceKind,
)


class AgendaSource(models.Model):
    """An agenda editor (or a replayed file) the platform polls for free slots.

    Credentials: the outgoing bearer token and mTLS paths are read from the fields below and never
    logged; editors posting Appointment feedback authenticate with a token stored only as its
    SHA-256 hash (``feedback_token_hash``).
    """

    name = models.SlugField("nom technique", max_length=80, unique=True)
    label = models.CharField("libellé", max_length=150)
    kind = models.CharField("type", max_length=20, choices=SourceKind.choices, default=SourceKind.FHIR_SAS_IG)
    base_url = models.URLField("URL de base FHIR", max_length=300, blank=True)
    departement = models.ForeignKey(
        "sas_platform.Departement",
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_sources",
    )
    rpps_list = models.JSONField("RPPS couverts", default=list, blank=True)
    request_token = models.CharField(
        "jeton envoyé à l'éditeur (Bearer)", max_length=200, blank=True, help_text="Jamais journalisé."
    )
    client_cert_path = models.CharField("certificat client mTLS (chemin)", max_length=300, blank=True)
    client_key_path = models.CharField("clé privée mTLS (chemin)", max_length=300, blank=True)
    feedback_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    poll_every_seconds = models.PositiveIntegerField("interroger toutes les (s)", default=300)
    horizon_hours = models.PositiveIntegerField("horizon interrogé (h)", default=72)
    stale_after_seconds = models.PositiveIntegerField(
        "signalée périmée après (s)", default=900, help_text="Les créneaux restent cherchés, signalés."
    )
    exclude_after_seconds = models.PositiveIntegerField("exclue de la recherche après (s)", default=6 * 3600)
    is_active = models.BooleanField("active", default=True)
    manages_regulator_accounts = models.BooleanField(
        "reçoit les comptes régulateurs (INT_R02)",
        default=False,
        help_text="La plateforme crée et met à jour chez l'éditeur les comptes de ses régulateurs et OSNP.",
    )
    health = models.CharField(max_length=10, choices=SourceHealth.choices, default=SourceHealth.UNKNOWN)
    last_attempt_at = models.DateTimeField("dernière interrogation", null=True, blank=True)
    last_success_at = models.DateTimeField("dernière interrogation réussie", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "source d'agenda"
        verbose_name_plural = "sources d'agenda"
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    def freshness_seconds(self, now=None) -> int | None:
        """Seconds since the last successful poll (None: never succeeded)."""
        if self.last_success_at is None:
            return None
        return max(0, int(((now or timezone.now()) - self.last_success_at).total_seconds()))

    def is_stale(self, now=None) -> bool:
        age = self.freshness_seconds(now)
        return age is None or age > self.stale_after_seconds

    @property
    def periodic_task_name(self) -> str:
        return f"planning-source-{self.pk}"


class SourceRun(models.Model):
    """One poll (or replay) of a source: progress, statistics, rejections and errors."""

    source = models.ForeignKey(AgendaSource, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices, default=RunTrigger.SCHEDULE)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField("lots traités", default=0)
    progress_total = models.PositiveIntegerField("lots", default=0)
    requests = models.PositiveIntegerField("requêtes HTTP", default=0)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    gone = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField("rejets (ressource, motif)", default=list, blank=True)
    errors = models.JSONField("erreurs", default=list, blank=True)

    class Meta:
        verbose_name = "interrogation de source"
        verbose_name_plural = "interrogations de sources"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source", "-created_at"], name="sourcerun_source_recent_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.created_at:%d/%m %H:%M} ({self.get_status_display()})"

    def stats(self) -> dict[str, int]:
        """The statistics line of the run (``ingest_fhir_bundle`` prints it as JSON)."""
        return {
            key: getattr(self, key)
            for key in ("fetched", "created", "updated", "unchanged", "gone", "rejected")
        }

    @property
    def is_finished(self) -> bool:
        return self.status not in (RunStatus.PENDING, RunStatus.RUNNING)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class SourceCoverage(models.Model):
    """When a source last answered in full for one professional, and over which window.

    A poll whose every page for a professional arrived confirms at once all that professional's
    live slots in the window (DOMAIN.md §3.3: a fresh local copy): their "last seen" is this row's
    ``seen_at``. So an unchanged slot is not rewritten at every poll (a source of 100,000 slots
    polled every 5 minutes would otherwise rewrite them all each time, issue 4 §8);
    :func:`planning.selectors.slot_last_seen_at` gives a slot's last sighting.
    """

    source = models.ForeignKey(AgendaSource, on_delete=models.CASCADE, related_name="coverages")
    professional = models.ForeignKey("cpts.Professional", on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField("début de la fenêtre interrogée")
    window_end = models.DateTimeField("fin de la fenêtre interrogée")
    seen_at = models.DateTimeField("réponse complète reçue le")

    class Meta:
        verbose_name = "couverture d'une source"
        verbose_name_plural = "couvertures des sources"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "professional"], name="coverage_source_professional_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} / {self.professional_id} ({self.seen_at:%d/%m %H:%M})"


class Slot(models.Model):
    """A free (or held, booked, gone) slot of a professional (DOMAIN.md §3.3).

    ``latitude``/``longitude``/``departement_code`` are copied from the place of practice so the
    48 h search (DOMAIN.md §3.2) reads one table through one index. ``modalities`` and
    ``slot_types`` are JSON lists of codes; ``modality_mask``/``type_mask`` hold the same as bits.
    ``specialty_codes`` is ``"|SM54|SM05|"`` (matched with ``contains``, on any database).
    """

    # Every index costs the ingest (issue 4 §8: ~0.5 s per 100,000 slots each), so only the ones
    # a query needs: the unique (source, external_id) serves lookups by source, and
    # ``slot_professional_start_idx`` the marking of vanished slots (professional + window).
    source = models.ForeignKey(
        AgendaSource, on_delete=models.PROTECT, null=True, blank=True, related_name="slots", db_index=False
    )
    external_id = models.CharField("identifiant à la source", max_length=200)
    professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, related_name="slots", db_index=False
    )
    place = models.ForeignKey(
        "cpts.PracticePlace", on_delete=models.SET_NULL, null=True, blank=True, related_name="slots"
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    slot_types = models.JSONField("types de créneau", default=list)
    modalities = models.JSONField("modalités", default=list)
    type_mask = models.PositiveSmallIntegerField(default=0)
    modality_mask = models.PositiveSmallIntegerField(default=0)
    specialty_code = models.CharField("spécialité", max_length=10, blank=True)
    specialty_codes = models.CharField(max_length=120, blank=True, default="")
    reasons = models.JSONField("motifs", default=list, blank=True)
    structures = models.JSONField("CPTS (identifiant, nom, téléphone)", default=list, blank=True)
    address = models.CharField("adresse à la source", max_length=255, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    departement_code = models.CharField(max_length=3, blank=True)
    bookable = models.BooleanField("sur rendez-vous", default=True)
    booking_url = models.URLField("page de prise de rendez-vous", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=SlotStatus.choices, default=SlotStatus.FREE)
    held_until = models.DateTimeField(null=True, blank=True)
    hold_reference = models.CharField(max_length=100, blank=True)
    booking_reference = models.CharField(max_length=100, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=32, blank=True, editable=False)
    first_seen_at = models.DateTimeField(default=timezone.now)
    # Stamped when the slot is created, changed, re-checked or seen by a poll that was not complete for
    # its professional; otherwise its professional's SourceCoverage says when it was last seen.
    last_seen_at = models.DateTimeField("vu individuellement pour la dernière fois", default=timezone.now)
    declared_availability = models.ForeignKey(
        "planning.DeclaredAvailability",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
        db_index=False,  # partial index below: only platform-owned slots have one
    )

    class Meta:
        verbose_name = "créneau"
        ordering = ["start", "id"]
        # The national FHIR Slot feed's consumers (machine users), never a role's broad view_slot.
        permissions = [
            ("consume_fhir_slots", "Consommer le flux FHIR Slot (plateforme nationale, agrégateur)")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(source__isnull=False),
                name="slot_source_external_unique",
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=Q(source__isnull=True), name="slot_owned_external_unique"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="slot_end_after_start"),
            # A booked slot always names its booking; a held one its holder and expiry.
            models.CheckConstraint(
                condition=~Q(status=SlotStatus.BOOKED) | ~Q(booking_reference=""),
                name="slot_booked_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(status=SlotStatus.HELD) | (Q(held_until__isnull=False) & ~Q(hold_reference="")),
                name="slot_held_has_holder",
            ),
        ]
        indexes = [
            # The 48 h search: start range first, then the bounding box checked inside the index.
            models.Index(
                fields=["start", "latitude", "longitude"],
                name="slot_search_idx",
                condition=Q(status__in=[SlotStatus.FREE, SlotStatus.HELD]),
            ),
            models.Index(fields=["professional", "start"], name="slot_professional_start_idx"),
            models.Index(
                fields=["declared_availability"],
                name="slot_declared_idx",
                condition=Q(declared_availability__isnull=False),
            ),
            models.Index(
                fields=["professional", "booked_at"],
                name="slot_booked_recent_idx",
                condition=Q(status=SlotStatus.BOOKED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional_id} {self.start:%d/%m %H:%M} ({self.get_status_display()})"

    @property
    def is_platform_owned(self) -> bool:
        """True for slots the platform itself offers (declared availability): booked here, not at an editor."""
        return self.source_id is None

    @property
    def is_free_now(self) -> bool:
        return self.status == SlotStatus.FREE or (
            self.status == SlotStatus.HELD
            and self.held_until is not None
            and self.held_until <= timezone.now()
        )

    def modality_labels(self) -> list[str]:
        return [Modality(code).label for code in self.modalities if code in Modality.values]

    def slot_type_labels(self) -> list[str]:
        return [SlotType(code).label for code in self.slot_types if code in SlotType.values]


class DeclaredAvailability(models.Model):
    """Availability a professional (or their délégataire) declares on the platform (DOMAIN.md §3.3
    last point, §4): a weekly recurring or one-off block, its modalities and number of patients.
    Slots are generated from it on a rolling horizon by ``declared_slots_generate``."""

    professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.CASCADE, related_name="declared_availabilities"
    )
    place = models.ForeignKey(
        "cpts.PracticePlace", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("répétition", max_length=10, choices=AvailabilityKind.choices)
    weekday = models.PositiveSmallIntegerField(
        "jour de la semaine", null=True, blank=True, help_text="0 = lundi … 6 = dimanche (hebdomadaire)."
    )
    date = models.DateField("date (ponctuelle)", null=True, blank=True)
    valid_from = models.DateField("à partir du", default=timezone.localdate)
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin")
    modalities = models.JSONField("modalités", default=list)
    patients = models.PositiveSmallIntegerField("nombre de patients", default=1)
    specialty_code = models.CharField("spécialité", max_length=10, default="SM54")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "disponibilité déclarée"
        verbose_name_plural = "disponibilités déclarées"
        ordering = ["kind", "weekday", "date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="declared_end_after_start"
            ),
            models.CheckConstraint(condition=Q(patients__gte=1), name="declared_patients_positive"),
            models.CheckConstraint(
                condition=(Q(kind=AvailabilityKind.WEEKLY, weekday__isnull=False, weekday__lte=6))
                | (Q(kind=AvailabilityKind.ONE_OFF, date__isnull=False)),
                name="declared_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        when = self.date.strftime("%d/%m/%Y") if self.date else WEEKDAYS_FR[self.weekday or 0]
        return f"{self.professional} – {when} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def duration(self) -> timedelta:
        day = date(2000, 1, 3)
        return datetime.combine(day, self.end_time) - datetime.combine(day, self.start_time)


WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


# Client certificates of mutual TLS (issue 14): in their own module, found here by Django.
from planning.fhir.certificates import FhirClientCertificate  # noqa: E402, F401

# Regulator accounts at the editors (INT_R02): in their own module, found here by Django.
from planning.regulator_models import (  # noqa: E402, F401
    RegulatorAccount,
    RegulatorAccountExchange,
    RegulatorAccountStatus,
)

# CPTS vacation planning (issue 11): its models live in planning/vacations/ and belong to this app.
from planning.vacations.models import (  # noqa: E402, F401
    AutofillProposal,
    CalendarToken,
    DistributionRule,
    NotificationDelivery,
    TransferRequest,
    Unavailability,
    Vacation,
    VacationEvent,
    VacationGroup,
    VacationPlanning,
    VacationSlot,
    VacationTemplate,
    VacationType,
)
