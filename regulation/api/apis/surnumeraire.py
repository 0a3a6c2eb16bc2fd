"""Surnuméraire request APIs (DOMAIN.md §3.1 step 3)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from regulation import permissions, selectors, services
from regulation.api.apis._common import dossier_for
from regulation.enums import (
    RequestChannel,
    RequestStatus,
)
from regulation.models import SurnumeraireRequest
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.params import choice_param, int_param
from sas_platform.exceptions import NotFoundError, PermissionDeniedError


class SurnumeraireRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dossier = serializers.IntegerField(source="dossier_id")
    professional = serializers.IntegerField(source="professional_id", allow_null=True)
    structure = serializers.IntegerField(source="structure_id", allow_null=True)
    channel = serializers.CharField()
    asked_at = serializers.DateTimeField()
    status = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    accepting_doctor_name = serializers.CharField()
    appointment_at = serializers.DateTimeField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)
    answer_seconds = serializers.IntegerField(allow_null=True)


class SurnumeraireRequestCreateApi(APIView):
    @extend_schema(
        summary="Demandes en surnuméraire (de mes territoires ; de mes structures pour un coordinateur)",
        parameters=[
            OpenApiParameter("dossier", int, description="Les demandes d'un dossier."),
            OpenApiParameter(
                "status",
                str,
                enum=RequestStatus.values,
                description="Filtrer par réponse (pending : en attente).",
            ),
        ],
        responses={200: SurnumeraireRequestOutputSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request):
        if not (
            permissions.can_view_queue(request.user) or permissions.can_view_structure_requests(request.user)
        ):
            raise PermissionDeniedError(
                "Réservé aux équipes de régulation et aux coordinateurs de structure."
            )
        rows = selectors.surnumeraire_requests_for_user(
            user=request.user,
            dossier_id=int_param(request, "dossier"),
            status=choice_param(request, "status", RequestStatus.values),
        )
        return Response(SurnumeraireRequestOutputSerializer(rows, many=True).data)

    class InputSerializer(serializers.Serializer):
        dossier = serializers.IntegerField()
        professional = serializers.IntegerField(required=False, allow_null=True, default=None)
        structure = serializers.IntegerField(required=False, allow_null=True, default=None)
        channel = serializers.ChoiceField(choices=RequestChannel.choices)

    @extend_schema(
        summary="Enregistrer une demande en surnuméraire",
        request=InputSerializer,
        responses={201: SurnumeraireRequestOutputSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Demande à une CPTS par téléphone",
                value={"dossier": 42, "structure": 7, "channel": "phone"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dossier = dossier_for(data["dossier"], request.user, permissions.can_orient_dossier)
        professional, structure = selectors.surnumeraire_target(
            professional_id=data["professional"], structure_id=data["structure"]
        )
        created = services.surnumeraire_request_create(
            dossier_id=dossier.pk,
            actor=request.user,
            channel=data["channel"],
            professional=professional,
            structure=structure,
        )
        return Response(SurnumeraireRequestOutputSerializer(created).data, status=status.HTTP_201_CREATED)


class SurnumeraireRequestAnswerApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[RequestStatus.ACCEPTED, RequestStatus.REFUSED, RequestStatus.NO_ANSWER]
        )
        doctor_name = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Demande adressée à un médecin : son nom. Pour une structure, utilisez member.",
        )
        member = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Demande adressée à une structure : identifiant ou RPPS du médecin membre qui accepte.",
        )
        appointment_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Répondre à une demande en surnuméraire (une seule réponse est retenue)",
        request=InputSerializer,
        responses={200: SurnumeraireRequestOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Acceptée par un médecin de la structure",
                value={
                    "status": "accepted",
                    "member": "10003456789",
                    "appointment_at": "2026-03-10T16:30:00+01:00",
                },
            )
        ],
    )
    def post(self, request, pk: int):
        target = SurnumeraireRequest.objects.select_related("dossier", "structure").filter(pk=pk).first()
        if target is None:
            raise NotFoundError("Demande introuvable.")
        if not permissions.can_answer_structure_request(request.user, target):
            raise PermissionDeniedError("Vous ne pouvez pas répondre à cette demande.")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answered = services.surnumeraire_request_answer(
            request_id=target.pk, actor=request.user, **serializer.validated_data
        )
        return Response(SurnumeraireRequestOutputSerializer(answered).data)
