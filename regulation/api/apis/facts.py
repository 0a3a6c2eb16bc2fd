"""Act facts API (DOMAIN.md §7.2-§7.4; issue 12 §3): correct an act's pay facts."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from regulation import permissions, selectors, services
from regulation.enums import OUTCOME_STATUSES
from sas_platform.api.apis import ErrorSerializer
from sas_platform.exceptions import NotFoundError, PermissionDeniedError


class ActFactOutputSerializer(serializers.Serializer):
    """An act's pay facts: professionals' data, no patient's (DOMAIN.md §8)."""

    id = serializers.IntegerField()
    dossier = serializers.IntegerField(source="dossier_id")
    booking = serializers.IntegerField(source="booking_id")
    territory = serializers.CharField(source="territory_id")
    kind = serializers.CharField()
    rpps = serializers.CharField()
    doctor_name = serializers.CharField()
    regulated_at = serializers.DateTimeField()
    appointment_start = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    outcome_at = serializers.DateTimeField()
    is_surnumeraire = serializers.BooleanField()
    is_treating_doctor = serializers.BooleanField()
    within_48h = serializers.BooleanField()
    outside_pdsa = serializers.BooleanField()
    snp_candidate = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()
    corrected_at = serializers.DateTimeField(allow_null=True)


ACT_FACT_EXAMPLE = {
    "id": 812,
    "dossier": 4521,
    "booking": 3377,
    "territory": "13",
    "kind": "slot",
    "rpps": "10003384327",
    "doctor_name": "Dr Claire Martin",
    "regulated_at": "2026-10-05T08:41:00+02:00",
    "appointment_start": "2026-10-05T11:00:00+02:00",
    "outcome": "noshow",
    "outcome_at": "2026-10-05T12:10:00+02:00",
    "is_surnumeraire": False,
    "is_treating_doctor": False,
    "within_48h": True,
    "outside_pdsa": True,
    "snp_candidate": True,
    "recorded_at": "2026-10-05T12:10:00+02:00",
    "corrected_at": "2026-11-04T09:30:00+01:00",
}


class ActFactCorrectApi(APIView):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.CharField(
            required=False,
            help_text="Issue finale : " + ", ".join(str(s.value) for s in OUTCOME_STATUSES) + ".",
        )
        rpps = serializers.CharField(
            required=False, allow_blank=True, help_text="RPPS de l'effecteur (11 chiffres, clé de Luhn)."
        )
        is_treating_doctor = serializers.BooleanField(
            required=False, help_text="L'effecteur est le médecin traitant du patient (MRT plutôt que SNP)."
        )
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    @extend_schema(
        summary="Corriger les faits d'un acte (issue, RPPS, médecin traitant), avec un motif",
        description=(
            "Réservé aux administrateurs SAS du territoire de l'acte et aux administrateurs de la "
            "plateforme. La correction est tracée dans l'historique du dossier (valeurs avant et "
            "après, motif) et horodatée (`corrected_at`). Un bordereau déjà verrouillé ne change "
            "jamais : la différence est régularisée sur le bordereau suivant du même type. "
            "Refus (400, rien n'est modifié) : `reason_required`, `no_change`, `invalid_outcome`, "
            "`rpps_required`, `rpps_format`, `rpps_key`."
        ),
        request=InputSerializer,
        responses={
            200: ActFactOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        examples=[
            OpenApiExample(
                "Patient finalement non venu",
                value={"outcome": "noshow", "reason": "Appel du cabinet : patient non venu"},
                request_only=True,
            ),
            OpenApiExample(
                "Autre effecteur",
                value={"rpps": "10003384327", "reason": "Remplaçant du titulaire"},
                request_only=True,
            ),
            OpenApiExample("Acte corrigé", value=ACT_FACT_EXAMPLE, response_only=True, status_codes=["200"]),
            OpenApiExample(
                "Clé RPPS fausse",
                value={
                    "message": "Le numéro RPPS 10000000001 est invalide (clé de contrôle incorrecte).",
                    "code": "rpps_key",
                    "extra": {
                        "fields": {
                            "rpps": ["Le numéro RPPS 10000000001 est invalide (clé de contrôle incorrecte)."]
                        }
                    },
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request, pk: int):
        fact = selectors.act_fact_get(pk=pk)
        if fact is None:
            raise NotFoundError("Acte introuvable.", code="act_not_found")
        if not permissions.can_correct_act_fact(request.user, fact):
            raise PermissionDeniedError(
                "Seuls les administrateurs SAS du territoire corrigent les faits d'un acte."
            )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        fact = services.act_fact_correct(
            actor=request.user, act_id=fact.pk, reason=data.pop("reason"), unchanged_ok=False, **data
        )
        return Response(ActFactOutputSerializer(fact).data)
