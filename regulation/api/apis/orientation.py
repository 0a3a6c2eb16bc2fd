"""Queue and orientation APIs: the queue, the treating doctor call, a dossier's bookings."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from regulation import permissions, selectors, services
from regulation.api.apis._common import DossierOutputSerializer, QueueItemSerializer, dossier_for, dossier_out
from regulation.api.apis.bookings import BookingOutputSerializer
from regulation.enums import (
    TreatingDoctorCallResult,
)
from sas_platform.api.apis import ErrorSerializer
from sas_platform.exceptions import PermissionDeniedError

# --- Queue and orientation ---------------------------------------------------------------------


class QueueItemOutputSerializer(QueueItemSerializer):
    waiting_seconds = serializers.SerializerMethodField()
    priority_rank = serializers.IntegerField()

    def get_waiting_seconds(self, dossier) -> int:
        return dossier.waiting_seconds(self.context["now"])


class QueueApi(APIView):
    @extend_schema(
        summary="File d'attente en direct (sans identité du patient)",
        description="Dossiers à traiter de mes territoires, les plus urgents puis ceux qui attendent le plus.",
        parameters=[OpenApiParameter("territory", str, description="Code du département.")],
        responses={200: QueueItemOutputSerializer(many=True), 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Un dossier en attente de régulation",
                value=[
                    {
                        "id": 42,
                        "reference": "SAS13-000042",
                        "territory": "13",
                        "state": "general_practice",
                        "priority": "P1",
                        "commune": "13055",
                        "picked_up_at": "2026-03-10T09:05:00+01:00",
                        "decision": "",
                        "holder": None,
                        "waiting_seconds": 312,
                        "priority_rank": 1,
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        from django.utils import timezone

        if not permissions.can_view_queue(request.user):
            raise PermissionDeniedError("Réservé aux équipes de régulation.")
        territory = request.query_params.get("territory") or None
        if territory and not permissions.can_act_in_territory(request.user, territory):
            raise PermissionDeniedError("Ce territoire n'est pas le vôtre.")
        rows = selectors.queue_for_user(user=request.user, territory_code=territory)
        return Response(QueueItemOutputSerializer(rows, many=True, context={"now": timezone.now()}).data)


class DossierTreatingDoctorApi(APIView):
    class InputSerializer(serializers.Serializer):
        result = serializers.ChoiceField(choices=TreatingDoctorCallResult.choices)
        name = serializers.CharField(required=False, allow_blank=True, default="")
        phone = serializers.CharField(required=False, allow_blank=True, default="")
        rpps = serializers.CharField(required=False, allow_blank=True, default="", max_length=11)
        appointment_start = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(
        summary="Orienter : appel au médecin traitant d'abord",
        description="Joignable avec un RDV sous 48 h : le patient est orienté vers son médecin traitant "
        "(fait neutre « effecteur = MT » ; pas de MRT quand le SAS renvoie vers le MT, seed 004).",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "RDV avec le médecin traitant",
                value={
                    "result": "appointment",
                    "name": "Dr Anne Lefèvre",
                    "appointment_start": "2026-03-10T17:00:00+01:00",
                },
                request_only=True,
            ),
            OpenApiExample("Injoignable", value={"result": "unreachable"}, request_only=True),
        ],
    )
    def post(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_orient_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.treating_doctor_call_record(
            dossier_id=dossier.pk, actor=request.user, **serializer.validated_data
        )
        return Response(dossier_out(dossier, request))


class DossierBookingsApi(APIView):
    @extend_schema(
        summary="Rendez-vous d'un dossier (avec les faits pour la rémunération)",
        responses={200: BookingOutputSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_view_dossier)
        return Response(BookingOutputSerializer(selectors.dossier_bookings(dossier=dossier), many=True).data)
