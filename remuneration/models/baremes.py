"""Barèmes: every amount of DOMAIN.md §7 as a dated row, never a constant in code."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from remuneration.enums import BaremeCode, BaremeUnit
from remuneration.money import DECIMAL_PLACES, MAX_DIGITS


class Bareme(models.Model):
    """One rule's amount over a period (DOMAIN.md §7: "each rule is a row of a dated barème").

    ``amount`` for a flat amount; ``tiers`` for a table: indicator 9's tiers
    ``[{"from": 5, "to": 14, "amount": "70.00"}, ...]`` (``to`` null for the last one) or an ACI
    table by CPTS size ``[{"size": 1, "amount": "55000.00"}, ...]``. ``valid_to`` is inclusive
    (null: open). ``provisional`` marks a figure no official text in reach confirmed: shown as
    such wherever an amount depends on it, until an administrator confirms it (who, when).
    Changes are written to the audit trail (``remuneration.events``).
    """

    code = models.CharField("règle", max_length=40, choices=BaremeCode.choices, db_index=True)
    unit = models.CharField("unité", max_length=20, choices=BaremeUnit.choices)
    amount = models.DecimalField(
        "montant (€)", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    tiers = models.JSONField("paliers ou table par taille", default=list, blank=True)
    valid_from = models.DateField("en vigueur du")
    valid_to = models.DateField("en vigueur jusqu'au (inclus)", null=True, blank=True)
    source = models.TextField("texte source")
    provisional = models.BooleanField("provisoire", default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="confirmé par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", default=timezone.now)

    class Meta:
        verbose_name = "barème"
        verbose_name_plural = "barèmes"
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="bareme_code_from_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="bareme_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | ~Q(tiers=[]), name="bareme_amount_or_tiers"
            ),
        ]

    def __str__(self) -> str:
        end = f" au {self.valid_to:%d/%m/%Y}" if self.valid_to else ""
        flag = " (provisoire)" if self.provisional else ""
        return f"{self.get_code_display()} du {self.valid_from:%d/%m/%Y}{end}{flag}"

    def clean(self) -> None:
        """No two rows of the same rule in force on the same day."""
        overlapping = Bareme.objects.filter(code=self.code).exclude(pk=self.pk)
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.code and self.valid_from and overlapping.exists():
            raise ValidationError(
                {"valid_from": f"Une autre ligne de « {self.get_code_display()} » couvre déjà ces dates."}
            )
        if self.amount is None and not self.tiers:
            raise ValidationError({"amount": "Indiquez un montant ou des paliers."})
