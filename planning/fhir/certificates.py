"""Client certificates of mutual TLS (issue 14): a model of the ``planning`` app, imported by
``planning/models.py`` so that Django finds it (``planning/models.py`` stays under 400 lines)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from planning.models import AgendaSource


class FhirClientCertificate(models.Model):
    """A client certificate (mutual TLS through the reverse proxy, issue 14) mapped to whom it
    speaks for: a consumer account reading ``GET /fhir/r4/Slot`` (the national platform, another
    aggregator) or an agenda source posting its Appointment feedback.

    Matched by its SHA-256 fingerprint, or, when ``match_subject_serial`` is set (a certificate
    renewed under the same subject and serial policy), by subject + serial as the proxy verified
    them. Tokens stay available for clients that cannot do mTLS."""

    name = models.CharField("nom", max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte consommateur",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fhir_certificates",
    )
    source = models.ForeignKey(
        AgendaSource,
        verbose_name="source d'agenda",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="client_certificates",
    )
    sha256 = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    subject = models.CharField("sujet (DN)", max_length=500)
    serial = models.CharField("numéro de série (hex)", max_length=80)
    match_subject_serial = models.BooleanField("reconnaître aussi par sujet + numéro de série", default=False)
    pem = models.TextField("certificat (PEM)")
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "certificat client FHIR (mTLS)"
        verbose_name_plural = "certificats clients FHIR (mTLS)"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, source__isnull=True)
                | Q(user__isnull=True, source__isnull=False),
                name="fhir_certificate_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:16]}…)"
