"""Models of the CPTS vacation planning (issue 11; DOMAIN.md §5, seed 002 FlexiVac description).

Registered with the ``planning`` app (``planning/models.py`` imports this module). Times are aware
(stored in UTC, shown in Europe/Paris); a vacation's hours are ``ends_at - starts_at``, right on the
days clocks change.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from planning.vacations.enums import (
    GroupKind,
    RuleKind,
    RulePeriod,
    TransferKind,
    TransferStatus,
    VacationEventKind,
    VacationModality,
    VacationState,
)

PROFESSIONAL = "cpts.Professional"


class VacationPlanning(models.Model):
    """A planning of a structure (CPTS, MSP, centre de santé, SOS Médecins), administered by the
    structure's coordinators (DOMAIN.md §5: "un ou plusieurs plannings par communauté")."""

    structure = models.ForeignKey("cpts.Structure", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    requires_approval = models.BooleanField("changements validés par le coordinateur", default=False)
    change_deadline_hours = models.PositiveIntegerField(
        "délai avant la vacation pour un changement (h)", default=24
    )
    self_assignment_opens_at = models.DateTimeField("auto-attribution ouverte du", null=True, blank=True)
    self_assignment_closes_at = models.DateTimeField(
        "auto-attribution ouverte jusqu'au", null=True, blank=True
    )
    reminder_hours = models.JSONField("rappels avant la vacation (h)", default=list, blank=True)
    followup_hours = models.JSONField(
        "relances du pot commun avant la vacation (h)", default=list, blank=True
    )
    closure_days = models.JSONField("jours de fermeture (AAAA-MM-JJ)", default=list, blank=True)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "planning de vacations"
        verbose_name_plural = "plannings de vacations"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def self_assignment_open(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(
            self.self_assignment_opens_at
            and self.self_assignment_opens_at <= now
            and (self.self_assignment_closes_at is None or now < self.self_assignment_closes_at)
        )


class VacationGroup(models.Model):
    """A group of a planning: part of the territory (communes), a profession or specialty, a site."""

    planning = models.ForeignKey(VacationPlanning, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("type", max_length=12, choices=GroupKind.choices, default=GroupKind.COMMUNES)
    commune_codes = models.JSONField("communes (INSEE)", default=list, blank=True)
    profession_codes = models.JSONField("professions / spécialités", default=list, blank=True)
    members = models.ManyToManyField(PROFESSIONAL, blank=True, related_name="+", verbose_name="membres")

    class Meta:
        verbose_name = "groupe de vacations"
        ordering = ["planning", "name"]

    def __str__(self) -> str:
        return self.name


class VacationType(models.Model):
    """E.g. "SNP cabinet 14 h–18 h": default hours, modality, capacity, professions, indicative rate."""

    planning = models.ForeignKey(VacationPlanning, on_delete=models.CASCADE, related_name="types")
    name = models.CharField("nom", max_length=150)
    default_start = models.TimeField("début par défaut")
    default_end = models.TimeField("fin par défaut", help_text="Avant le début : le lendemain (nuit).")
    modality = models.CharField(
        "modalité", max_length=3, choices=VacationModality.choices, default=VacationModality.AMB
    )
    capacity = models.PositiveSmallIntegerField("capacité (patients)", default=0)
    profession_codes = models.JSONField("professions autorisées (codes)", default=list, blank=True)
    specialty_code = models.CharField("spécialité SAS", max_length=10, default="SM54")
    indicative_rate = models.DecimalField(
        "taux indicatif (€)", max_digits=9, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = "type de vacation"
        ordering = ["planning", "name"]

    def __str__(self) -> str:
        return self.name


class VacationTemplate(models.Model):
    """A weekly template: one vacation of ``vacation_type`` every ``weekday`` (0 = Monday)."""

    planning = models.ForeignKey(VacationPlanning, on_delete=models.CASCADE, related_name="templates")
    vacation_type = models.ForeignKey(VacationType, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        VacationGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    place = models.ForeignKey(
        "cpts.PracticePlace", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField("jour (0 = lundi)")
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin", help_text="Avant le début : le lendemain (nuit).")
    count = models.PositiveSmallIntegerField("nombre de vacations ce créneau", default=1)
    on_holidays = models.BooleanField("aussi les jours fériés", default=False)

    class Meta:
        verbose_name = "modèle hebdomadaire"
        ordering = ["planning", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="vacation_template_weekday"),
            models.CheckConstraint(condition=Q(count__gte=1), name="vacation_template_count"),
        ]

    def __str__(self) -> str:
        return f"{self.vacation_type} ({self.weekday}, {self.start_time:%H:%M}-{self.end_time:%H:%M})"

    @property
    def weekday_label(self) -> str:
        return ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[self.weekday]


class Vacation(models.Model):
    """A duty session: aware start/end, place, type, group, capacity, state and assignee."""

    planning = models.ForeignKey(VacationPlanning, on_delete=models.PROTECT, related_name="vacations")
    vacation_type = models.ForeignKey(VacationType, on_delete=models.PROTECT, related_name="vacations")
    group = models.ForeignKey(
        VacationGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    template = models.ForeignKey(
        VacationTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveSmallIntegerField(default=0)
    place = models.ForeignKey(
        "cpts.PracticePlace", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    capacity = models.PositiveSmallIntegerField("capacité (patients)", default=0)
    state = models.CharField("état", max_length=10, choices=VacationState.choices, default=VacationState.OPEN)
    assignee = models.ForeignKey(
        PROFESSIONAL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="titulaire",
    )
    published = models.BooleanField("publiée aux professionnels", default=False)
    patients_seen = models.PositiveIntegerField("patients vus", null=True, blank=True)
    patients_from_sas = models.PositiveIntegerField("patients adressés par le SAS", null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "vacation"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="vacation_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["assigned", "done", "not_done"]) | Q(assignee__isnull=False),
                name="vacation_assigned_has_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(state="open") | Q(assignee__isnull=True), name="vacation_open_has_no_assignee"
            ),
            models.UniqueConstraint(
                fields=["template", "starts_at", "sequence"],
                condition=Q(template__isnull=False),
                name="vacation_template_occurrence_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["planning", "starts_at"], name="vacation_planning_start_idx"),
            models.Index(fields=["assignee", "starts_at"], name="vacation_assignee_start_idx"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.vacation_type.name if self.vacation_type_id else 'Vacation'} {local:%d/%m/%Y %H:%M}"

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def hours(self) -> Decimal:
        return (Decimal(int(self.duration.total_seconds())) / Decimal(3600)).quantize(Decimal("0.01"))


class VacationEvent(models.Model):
    """History of a vacation (who did what, when): the planning's own audit, beside the platform's."""

    vacation = models.ForeignKey(Vacation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=VacationEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_professional = models.ForeignKey(
        PROFESSIONAL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_professional = models.ForeignKey(
        PROFESSIONAL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "événement de vacation"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y %H:%M})"


class DistributionRule(models.Model):
    """A distribution rule (DOMAIN.md §5): cap per period, share of the vacations, minimum rest.
    On a group (its vacations) or on the whole planning (``group`` null)."""

    planning = models.ForeignKey(VacationPlanning, on_delete=models.CASCADE, related_name="rules")
    group = models.ForeignKey(
        VacationGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    name = models.CharField("nom de la règle", max_length=150)
    kind = models.CharField("type", max_length=10, choices=RuleKind.choices)
    period = models.CharField("période", max_length=10, choices=RulePeriod.choices, default=RulePeriod.MONTH)
    max_count = models.PositiveIntegerField("plafond (vacations)", null=True, blank=True)
    share_percent = models.DecimalField(
        "part maximale (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_rest_hours = models.PositiveIntegerField("repos minimal (h)", null=True, blank=True)

    class Meta:
        verbose_name = "règle de répartition"
        verbose_name_plural = "règles de répartition"
        ordering = ["planning", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="cap", max_count__isnull=False))
                | Q(kind="share", share_percent__gt=0, share_percent__lte=100)
                | Q(kind="min_rest", min_rest_hours__isnull=False),
                name="distribution_rule_fields",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Unavailability(models.Model):
    """Leave declared by a professional: no vacation for them in [starts_at, ends_at)."""

    professional = models.ForeignKey(PROFESSIONAL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    reason = models.CharField("motif", max_length=150, blank=True)

    class Meta:
        verbose_name = "indisponibilité"
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["professional", "starts_at"], name="unavailability_pro_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="unavailability_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional} : {self.starts_at:%d/%m/%Y}-{self.ends_at:%d/%m/%Y}"

    @property
    def last_day(self):
        """The last Paris day covered (``ends_at`` is the midnight after it for whole days)."""
        return timezone.localtime(self.ends_at - timedelta(microseconds=1)).date()


class TransferRequest(models.Model):
    """One model for the three daily changes (DOMAIN.md §5): cession (to a named colleague),
    échange (swap ``vacation`` with ``counter_vacation``), remise au pot commun (``to_professional``
    empty: any eligible member claims it, first valid claim wins)."""

    kind = models.CharField("type", max_length=10, choices=TransferKind.choices)
    status = models.CharField(
        "état", max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    vacation = models.ForeignKey(Vacation, on_delete=models.CASCADE, related_name="transfers")
    counter_vacation = models.ForeignKey(
        Vacation, on_delete=models.CASCADE, null=True, blank=True, related_name="counter_transfers"
    )
    from_professional = models.ForeignKey(PROFESSIONAL, on_delete=models.PROTECT, related_name="+")
    to_professional = models.ForeignKey(
        PROFESSIONAL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_by = models.ForeignKey(
        PROFESSIONAL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requires_approval = models.BooleanField(default=False)
    deadline = models.DateTimeField("à accepter avant le")
    message = models.CharField("message", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vacation_version = models.PositiveIntegerField(default=0)
    counter_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "demande de changement"
        verbose_name_plural = "demandes de changement"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="exchange")
                | Q(counter_vacation__isnull=False, to_professional__isnull=False),
                name="transfer_exchange_has_counter",
            ),
            models.CheckConstraint(
                condition=~Q(kind="cession") | Q(to_professional__isnull=False),
                name="transfer_cession_has_target",
            ),
            models.UniqueConstraint(
                fields=["vacation"],
                condition=Q(status__in=["pending", "awaiting_approval"]),
                name="transfer_one_open_per_vacation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


from planning.vacations.models_feeds import (  # noqa: E402, F401  (same app, split by size)
    AutofillProposal,
    CalendarToken,
    NotificationDelivery,
    VacationSlot,
)
from planning.vacations.models_notify import NotificationPreference  # noqa: E402, F401
