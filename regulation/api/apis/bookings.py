"""Booking APIs: booking a slot and recording its outcome."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from regulation import permissions, services
from regulation.api.apis._common import dossier_for, log_dossier_read
from regulation.enums import (
    AppointmentStatus,
)
from regulation.models import Booking
from sas_platform.api.apis import ErrorSerializer
from sas_platform.exceptions import NotFoundError, PermissionDeniedError


class BookingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dossier = serializers.IntegerField(source="dossier_id")
    kind = serializers.CharField()
    status = serializers.CharField()
    slot = serializers.IntegerField(source="slot_id", allow_null=True)
    doctor_name = serializers.CharField()
    rpps = serializers.CharField()
    start = serializers.DateTimeField(allow_null=True)
    is_surnumeraire = serializers.BooleanField()
    is_treating_doctor = serializers.BooleanField()
    within_48h = serializers.BooleanField()
    outside_pdsa = serializers.BooleanField()
    snp_candidate = serializers.BooleanField()


class DossierBookApi(APIView):
    class InputSerializer(serializers.Serializer):
        slot = serializers.IntegerField(help_text="Créneau géré par la plateforme (planning).")

    @extend_schema(
        summary="Réserver un créneau géré par la plateforme",
        description="Atomique : un créneau n'est réservé qu'une fois ; le perdant reçoit 409 « créneau déjà pris ».",
        request=InputSerializer,
        responses={201: BookingOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample("Créneau 1234", value={"slot": 1234}, request_only=True),
            OpenApiExample(
                "Créneau déjà pris",
                value={
                    "message": "Créneau déjà pris : choisissez-en un autre dans la liste actualisée.",
                    "code": "slot_taken",
                    "extra": {},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_orient_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.slot_book_platform(
            dossier_id=dossier.pk, slot_id=serializer.validated_data["slot"], actor=request.user
        )
        log_dossier_read(dossier, request)  # the desk acted on the patient's dossier (issue 13)
        return Response(BookingOutputSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingOutcomeApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED]
        )

    @extend_schema(
        summary="Issue d'un rendez-vous (honoré, absent, annulé)",
        description="Enregistre aussi les faits pour la rémunération de l'acte (une ligne par rendez-vous).",
        request=InputSerializer,
        responses={200: BookingOutputSerializer, 400: ErrorSerializer},
        examples=[OpenApiExample("Honoré", value={"status": "fulfilled"}, request_only=True)],
    )
    def post(self, request, pk: int):
        booking = Booking.objects.select_related("dossier").filter(pk=pk).first()
        if booking is None:
            raise NotFoundError("Rendez-vous introuvable.")
        if not permissions.can_orient_dossier(request.user, booking.dossier):
            raise PermissionDeniedError("Vous n'avez pas le droit d'agir sur ce dossier.")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_outcome_record(
            booking_id=booking.pk, actor=request.user, status=serializer.validated_data["status"]
        )
        return Response(BookingOutputSerializer(booking).data)
