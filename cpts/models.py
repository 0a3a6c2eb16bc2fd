"""The directory as the platform sees it (ARCHITECTURE.md: ``cpts`` owns WHO).

Professionals (RPPS / ADELI), their places of practice (geolocated from the INSEE commune),
structures (CPTS, MSP, CDS, SOS Médecins, établissements), memberships, CPTS territories and
SAS participation declarations (DOMAIN.md §2, §4, §5, §6).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cpts.enums import (
    CptsSize,
    DataSource,
    ExerciseMode,
    IdentifierType,
    ImportKind,
    ImportStatus,
    ParticipationMode,
    StructureKind,
    VisibilityMode,
)


class Professional(models.Model):
    """A health professional of the national directory (one per national identifier)."""

    identifier_type = models.CharField("type d'identifiant", max_length=1, choices=IdentifierType.choices)
    identifier = models.CharField("identifiant (RPPS ou ADELI)", max_length=11)
    identifier_key_valid = models.BooleanField(
        "clé de contrôle valide",
        default=True,
        help_text="Faux pour un RPPS importé dont la clé de Luhn est fausse (conservé et signalé).",
    )
    civility = models.CharField("civilité", max_length=20, blank=True)
    last_name = models.CharField("nom d'exercice", max_length=150)
    first_name = models.CharField("prénom d'exercice", max_length=150, blank=True)
    profession_code = models.CharField("code profession", max_length=10, blank=True)
    profession_label = models.CharField("profession", max_length=150, blank=True)
    specialty_code = models.CharField("code savoir-faire", max_length=10, blank=True)
    specialty_label = models.CharField("savoir-faire / spécialité", max_length=150, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="professional",
    )
    source = models.CharField(max_length=10, choices=DataSource.choices, default=DataSource.MANUAL)
    search_name = models.CharField(max_length=310, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "professionnel de santé"
        verbose_name_plural = "professionnels de santé"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_type", "identifier"], name="professional_identifier_unique"
            )
        ]
        # Codes are matched exactly: plain b-trees (``db_index`` would add unused ``_like`` twins,
        # and every index slows the RPPS import down).
        indexes = [
            models.Index(fields=["profession_code"], name="professional_profession_idx"),
            models.Index(fields=["specialty_code"], name="professional_specialty_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def national_id(self) -> str:
        """Type + identifier, as in the FHIR ``urn:oid:1.2.250.1.71.4.2.1`` system (``8`` + RPPS)."""
        return f"{self.identifier_type}{self.identifier}"


class Structure(models.Model):
    """A CPTS, MSP, centre de santé, SOS Médecins association or establishment."""

    kind = models.CharField("type", max_length=20, choices=StructureKind.choices)
    name = models.CharField("nom", max_length=255)
    finess = models.CharField("FINESS", max_length=9, blank=True, db_index=True)
    siret = models.CharField("SIRET", max_length=14, blank=True, db_index=True)
    rpps_rang = models.CharField("identifiant RPPS-rang", max_length=20, blank=True)
    departement = models.ForeignKey(
        "sas_platform.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures",
        help_text="Vide pour une structure importée dont l'adresse est inconnue.",
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    commune = models.ForeignKey(
        "sas_platform.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="structures"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    phone = models.CharField("téléphone pour la régulation", max_length=20, blank=True)
    email = models.EmailField("courriel pour la régulation", blank=True)
    # CPTS only (DOMAIN.md §5, §6; seed 001).
    territory_communes = models.ManyToManyField(
        "sas_platform.Commune", verbose_name="communes du territoire", blank=True, related_name="cpts"
    )
    size_override = models.PositiveSmallIntegerField(
        "taille du contrat (forçage administrateur)", choices=CptsSize.choices, null=True, blank=True
    )
    aci_signed_on = models.DateField("date de signature de l'ACI", null=True, blank=True)
    source = models.CharField(max_length=10, choices=DataSource.choices, default=DataSource.MANUAL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "finess"], condition=~Q(finess=""), name="structure_kind_finess_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "siret"], condition=~Q(siret=""), name="structure_kind_siret_unique"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == StructureKind.CPTS:
            return self.name if self.name.upper().startswith("CPTS") else f"CPTS {self.name}"
        if self.name.upper().startswith(("MSP", "SOS", "CENTRE")):
            return self.name
        return f"{self.get_kind_display()} {self.name}"


class StructureCoordinator(models.Model):
    """A user who coordinates a structure (the ``coordinateur_structure`` role's scope)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinated")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="coordinators")

    class Meta:
        verbose_name = "coordinateur de structure"
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="coordinator_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.structure}"


class PracticePlace(models.Model):
    """A place where a professional practises (one line of activity in the RPPS extract)."""

    # No index of its own: the unique (professional, source_key) serves look-ups by professional.
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="places", db_index=False
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.SET_NULL, null=True, blank=True, related_name="places"
    )
    source_key = models.CharField(
        "clé de l'activité à la source", max_length=120, help_text="Rend les imports idempotents."
    )
    name = models.CharField("raison sociale du site", max_length=255, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "sas_platform.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practice_places",
        db_index=False,  # indexed in Meta without the unused ``_like`` twin
    )
    # Indexed by practiceplace_geo_idx (latitude, longitude).
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True, db_index=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    finess = models.CharField("FINESS du site", max_length=9, blank=True)
    siret = models.CharField("SIRET du site", max_length=14, blank=True)
    rpps_rang = models.CharField("RPPS-rang", max_length=20, blank=True)
    exercise_mode = models.CharField(
        "mode d'exercice",
        max_length=1,
        choices=ExerciseMode.choices,
        blank=True,
        default=ExerciseMode.UNKNOWN,
    )
    is_active = models.BooleanField("en activité", default=True)

    class Meta:
        verbose_name = "lieu d'exercice"
        verbose_name_plural = "lieux d'exercice"
        constraints = [
            models.UniqueConstraint(fields=["professional", "source_key"], name="practiceplace_source_unique")
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="practiceplace_geo_idx"),
            models.Index(fields=["commune"], name="practiceplace_commune_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.address} ({self.commune_id or '?'})"


class Membership(models.Model):
    """A professional belongs to a structure between two dates."""

    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)

    class Meta:
        verbose_name = "adhésion"
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "structure"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_structure",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} ∈ {self.structure}"


class SasParticipation(models.Model):
    """A doctor's declaration "je participe au SAS" (DOMAIN.md §4). History is kept:
    a new declaration closes the open one; at most one is open per professional."""

    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="participations")
    mode = models.CharField("mode", max_length=20, choices=ParticipationMode.choices)
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="participations"
    )
    accepts_surnumeraire = models.BooleanField("accepte les demandes en surnuméraire", default=False)
    visibility = models.CharField(
        "visibilité des disponibilités", max_length=30, choices=VisibilityMode.choices
    )
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(
        "consentement du médecin recueilli le",
        null=True,
        blank=True,
        help_text="Obligatoire quand un coordinateur déclare pour un membre.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "participation au SAS"
        verbose_name_plural = "participations au SAS"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["professional"], condition=Q(end_date__isnull=True), name="participation_one_open"
            ),
            models.CheckConstraint(
                condition=Q(mode=ParticipationMode.INDIVIDUAL, structure__isnull=True)
                | (~Q(mode=ParticipationMode.INDIVIDUAL) & Q(structure__isnull=False)),
                name="participation_structure_matches_mode",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="participation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} – {self.get_mode_display()} depuis {self.start_date:%d/%m/%Y}"


class ImportRun(models.Model):
    """One run of an importer (command, API or admin), with its progress and report."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file_name = models.CharField("fichier", max_length=255)
    file_path = models.CharField(max_length=500, blank=True)
    file_format = models.CharField(
        "format détecté", max_length=20, blank=True, help_text="rpps, psc ou fhir (lu dans l'en-tête)."
    )
    full_extract = models.BooleanField(
        "extraction complète",
        default=False,
        help_text="RPPS : les lieux d'exercice absents du fichier sont marqués inactifs (jamais supprimés).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField("lieux désactivés", default=0)
    rejections = models.JSONField("rejets (ligne, motif)", default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "import de l'annuaire"
        verbose_name_plural = "imports de l'annuaire"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"
