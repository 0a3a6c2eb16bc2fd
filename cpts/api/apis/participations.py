"""SAS participation declarations: declare, close (DOMAIN.md §4)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cpts import permissions, services
from cpts.api.apis.common import (
    ParticipationOutputSerializer,
    deny,
)
from cpts.enums import ParticipationMode, VisibilityMode
from cpts.models import Professional, SasParticipation, Structure
from sas_platform.api.apis import ErrorSerializer


class ParticipationCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        professional = serializers.IntegerField()
        mode = serializers.ChoiceField(choices=ParticipationMode.choices)
        structure = serializers.IntegerField(required=False, allow_null=True)
        accepts_surnumeraire = serializers.BooleanField()
        visibility = serializers.ChoiceField(choices=VisibilityMode.choices)
        start_date = serializers.DateField()
        consent = serializers.BooleanField(
            default=False,
            help_text="Vrai quand le consentement du médecin a été recueilli (déclaration pour autrui).",
        )

    @extend_schema(
        summary="Déclarer une participation au SAS",
        request=InputSerializer,
        responses={
            201: ParticipationOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
        examples=[
            OpenApiExample(
                "Via ma CPTS, accepte le surnuméraire",
                value={
                    "professional": 42,
                    "mode": "cpts",
                    "structure": 3,
                    "accepts_surnumeraire": True,
                    "visibility": "interfaced_agenda",
                    "start_date": "2025-01-06",
                    "consent": True,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        professional = Professional.objects.filter(pk=data["professional"]).first()
        structure = Structure.objects.filter(pk=data["structure"]).first() if data.get("structure") else None
        if professional is None or not permissions.can_declare_participation(
            request.user, professional, structure
        ):
            raise deny()
        participation = services.participation_declare(
            professional=professional,
            mode=data["mode"],
            structure=structure,
            accepts_surnumeraire=data["accepts_surnumeraire"],
            visibility=data["visibility"],
            start_date=data["start_date"],
            actor=request.user,
            consent_recorded_at=timezone.now() if data["consent"] else None,
        )
        return Response(ParticipationOutputSerializer(participation).data, status=status.HTTP_201_CREATED)


class ParticipationCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        end_date = serializers.DateField()

    @extend_schema(
        summary="Clore une participation au SAS",
        request=InputSerializer,
        responses={200: ParticipationOutputSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[OpenApiExample("Fin au 30 juin", value={"end_date": "2025-06-30"}, request_only=True)],
    )
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participation = (
            SasParticipation.objects.select_related("professional", "structure").filter(pk=pk).first()
        )
        if participation is None or not permissions.can_close_participation(request.user, participation):
            raise deny()
        participation = services.participation_close(
            participation=participation, end_date=serializer.validated_data["end_date"], actor=request.user
        )
        return Response(ParticipationOutputSerializer(participation).data)
