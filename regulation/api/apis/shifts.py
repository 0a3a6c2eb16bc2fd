"""Regulators' shifts APIs (DOMAIN.md §7.5)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from regulation import permissions, selectors, services
from regulation.models import RegulatorShift
from sas_platform.api.apis import ErrorSerializer
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

# --- Regulators' shifts (DOMAIN.md §7.5) -------------------------------------------------------


class ShiftOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lineage = serializers.UUIDField()
    version = serializers.IntegerField()
    is_current = serializers.BooleanField()
    territory = serializers.CharField(source="territory_id")
    regulator = serializers.IntegerField(source="regulator_id")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    sas_minutes = serializers.IntegerField(
        help_text="Minutes hors horaires de PDSA (payées à l'heure : DOMAIN §7.5)."
    )
    pdsa_minutes = serializers.IntegerField(
        help_text="Minutes en horaires de PDSA, selon le calendrier du territoire."
    )
    origin = serializers.CharField()
    cancelled = serializers.BooleanField()
    reason = serializers.CharField()
    recorded_by = serializers.IntegerField(source="recorded_by_id")
    recorded_at = serializers.DateTimeField()


SHIFT_EXAMPLE = {
    "id": 12,
    "lineage": "0d1c2b7e-5a55-4f3e-9d0c-2f1f4f1e9a10",
    "version": 1,
    "is_current": True,
    "territory": "13",
    "regulator": 4,
    "start": "2026-03-14T08:00:00+01:00",
    "end": "2026-03-14T14:00:00+01:00",
    "sas_minutes": 240,
    "pdsa_minutes": 120,
    "origin": "schedule",
    "cancelled": False,
    "reason": "",
    "recorded_by": 9,
    "recorded_at": "2026-03-01T09:12:00+01:00",
}


def _shift(pk: int, user) -> RegulatorShift:
    shift = RegulatorShift.objects.filter(pk=pk).first()
    if shift is None:
        raise NotFoundError("Garde introuvable.", code="shift_not_found")
    if not permissions.can_view_shift(user, shift):
        raise PermissionDeniedError("Cette garde n'est pas dans vos territoires.")
    return shift


class ShiftListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        territory = serializers.CharField(max_length=3)
        regulator = serializers.IntegerField(help_text="Identifiant de l'utilisateur régulateur.")
        start = serializers.DateTimeField()
        end = serializers.DateTimeField()
        confirm_long = serializers.BooleanField(
            default=False, help_text="Obligatoire (vrai) pour une garde de plus de 12 h."
        )

    @extend_schema(
        summary="Gardes du mois (les miennes ; celles de mes territoires pour un administrateur SAS)",
        parameters=[
            OpenApiParameter("month", str, description="Mois AAAA-MM (par défaut : le mois en cours)."),
            OpenApiParameter("territory", str, description="Code du département."),
        ],
        responses={200: ShiftOutputSerializer(many=True), 403: ErrorSerializer},
        examples=[OpenApiExample("Une garde du samedi", value=[SHIFT_EXAMPLE], response_only=True)],
    )
    def get(self, request):
        if not request.user.is_authenticated or not (
            request.user.has_role(Role.REGULATEUR) or permissions.can_view_shift_schedules(request.user)
        ):
            raise PermissionDeniedError("Réservé aux régulateurs et aux administrateurs SAS.")
        month = _month_param(request.query_params.get("month"))
        territory = request.query_params.get("territory") or None
        if territory and not (
            permissions.can_manage_shifts(request.user, territory)
            or permissions.can_take_shift(request.user, territory)
        ):
            raise PermissionDeniedError("Ce territoire n'est pas le vôtre.")
        rows = selectors.shifts_of_month(user=request.user, month=month, territory_code=territory)
        return Response(ShiftOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="Saisir une garde du planning mensuel (administrateur SAS)",
        request=InputSerializer,
        responses={201: ShiftOutputSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Samedi 8 h - 14 h",
                value={
                    "territory": "13",
                    "regulator": 4,
                    "start": "2026-03-14T08:00:00+01:00",
                    "end": "2026-03-14T14:00:00+01:00",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Garde enregistrée", value=SHIFT_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not permissions.can_manage_shifts(request.user, data["territory"]):
            raise PermissionDeniedError("Seuls les administrateurs SAS du territoire saisissent le planning.")
        regulator = (
            selectors.regulators_of(territory_code=data["territory"]).filter(pk=data["regulator"]).first()
        )
        if regulator is None:
            raise ApplicationError(
                "Ce régulateur n'exerce pas sur ce territoire.",
                code="invalid",
                extra={"fields": {"regulator": ["Régulateur inconnu sur ce territoire."]}},
            )
        shift = services.shift_schedule(
            actor=request.user,
            territory_code=data["territory"],
            regulator=regulator,
            start=data["start"],
            end=data["end"],
            confirm_long=data["confirm_long"],
        )
        return Response(ShiftOutputSerializer(shift).data, status=status.HTTP_201_CREATED)


def _month_param(value: str | None):
    import datetime as dt

    from django.utils import timezone

    if not value:
        return timezone.localdate().replace(day=1)
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 (a month, not an instant)
    except ValueError as exc:
        raise ApplicationError(
            "Mois invalide (AAAA-MM).", code="invalid", extra={"fields": {"month": ["Format AAAA-MM."]}}
        ) from exc


class ShiftStartApi(APIView):
    class InputSerializer(serializers.Serializer):
        territory = serializers.CharField(max_length=3)

    @extend_schema(
        summary="Prendre ma garde (régulateur)",
        request=InputSerializer,
        responses={201: ShiftOutputSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[OpenApiExample("Au poste du SAS 13", value={"territory": "13"}, request_only=True)],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        territory = serializer.validated_data["territory"]
        if not permissions.can_take_shift(request.user, territory):
            raise PermissionDeniedError("Réservé aux régulateurs du territoire.")
        shift = services.shift_start(actor=request.user, territory_code=territory)
        return Response(ShiftOutputSerializer(shift).data, status=status.HTTP_201_CREATED)


class ShiftEndApi(APIView):
    @extend_schema(
        summary="Terminer ma garde en cours (régulateur)",
        request=None,
        responses={200: ShiftOutputSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def post(self, request):
        if not request.user.is_authenticated or not request.user.has_role(Role.REGULATEUR):
            raise PermissionDeniedError("Réservé aux régulateurs.")
        return Response(ShiftOutputSerializer(services.shift_end(actor=request.user)).data)


class ShiftCorrectApi(APIView):
    class InputSerializer(serializers.Serializer):
        start = serializers.DateTimeField(required=False)
        end = serializers.DateTimeField(required=False)
        cancel = serializers.BooleanField(default=False)
        reason = serializers.CharField(max_length=255)
        confirm_long = serializers.BooleanField(
            default=False, help_text="Obligatoire (vrai) pour une garde de plus de 12 h."
        )

    @extend_schema(
        summary="Corriger ou annuler une garde (nouvelle version, l'ancienne est conservée)",
        description="Seule la version en vigueur se corrige : une correction concurrente reçoit 409.",
        request=InputSerializer,
        responses={201: ShiftOutputSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Fin réelle à 13 h",
                value={"end": "2026-03-14T13:00:00+01:00", "reason": "Relevé du standard"},
                request_only=True,
            )
        ],
    )
    def post(self, request, pk: int):
        shift = _shift(pk, request.user)
        if not permissions.can_manage_shifts(request.user, shift.territory_id):
            raise PermissionDeniedError("Seuls les administrateurs SAS du territoire corrigent les gardes.")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = services.shift_correct(actor=request.user, shift_id=shift.pk, **serializer.validated_data)
        return Response(ShiftOutputSerializer(new).data, status=status.HTTP_201_CREATED)


class ShiftHistoryApi(APIView):
    @extend_schema(
        summary="Toutes les versions d'une garde",
        responses={200: ShiftOutputSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request, pk: int):
        shift = _shift(pk, request.user)
        return Response(ShiftOutputSerializer(selectors.shift_history(shift=shift), many=True).data)
