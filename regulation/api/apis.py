"""API views of `regulation`: one class per operation, nested Input/Output serializers.

The same services as the desk's pages; every operation is scoped by territory and role
(``regulation.permissions``) and refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from regulation import permissions, policies, selectors, services
from regulation.enums import (
    AppointmentStatus,
    CallerRelation,
    CareLevel,
    Decision,
    OrientationResult,
    Origin,
    Priority,
    RequestChannel,
    RequestStatus,
    Sex,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.models import Booking, Dossier, RegulatorShift, SurnumeraireRequest
from sas_platform.api.apis import ErrorSerializer
from sas_platform.enums import AccessPurpose, Role
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from sas_platform.selectors import commune_get

ROUTES = {"amu": Transition.ROUTE_AMU, "general_practice": Transition.ROUTE_GENERAL_PRACTICE}


def _dossier(pk: int, user, allowed: Callable) -> Dossier:
    dossier = Dossier.objects.filter(pk=pk).first()
    if dossier is None:
        raise NotFoundError("Dossier introuvable.", code="dossier_not_found")
    if not allowed(user, dossier):
        raise PermissionDeniedError("Vous n'avez pas le droit d'agir sur ce dossier.")
    return dossier


class QueueItemSerializer(serializers.Serializer):
    """A dossier in a list: no patient identity (DOMAIN.md §8, minimisation)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    territory = serializers.CharField(source="territory_id")
    state = serializers.CharField()
    priority = serializers.CharField()
    commune = serializers.CharField(source="commune_id")
    picked_up_at = serializers.DateTimeField()
    decision = serializers.CharField()
    holder = serializers.CharField(allow_null=True)


class DossierOutputSerializer(QueueItemSerializer):
    origin = serializers.CharField()
    caller_name = serializers.CharField()
    caller_phone = serializers.CharField()
    caller_relation = serializers.CharField()
    patient_last_name = serializers.CharField()
    patient_first_name = serializers.CharField()
    patient_birth_date = serializers.DateField(allow_null=True)
    patient_age = serializers.IntegerField(allow_null=True)
    patient_sex = serializers.CharField()
    patient_phone = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    reason = serializers.CharField()
    care_level = serializers.CharField()
    decision_notes = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    treating_doctor_name = serializers.CharField()
    treating_doctor_call = serializers.CharField()
    orientation_category = serializers.CharField()
    orientation_result = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closure_reason = serializers.CharField()
    allowed_transitions = serializers.SerializerMethodField()

    def get_allowed_transitions(self, dossier) -> list[str]:
        return [str(t) for t in policies.allowed_transitions(dossier.state)]


def _out(dossier: Dossier) -> dict:
    return DossierOutputSerializer(dossier).data


class DossierListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        commune = serializers.CharField(help_text="Code INSEE de la commune (centroïde géocodé).")
        reason = serializers.CharField()
        route = serializers.ChoiceField(choices=list(ROUTES), required=False, allow_null=True)
        origin = serializers.ChoiceField(choices=Origin.choices, default=Origin.CENTRE_15)
        call_received_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Heure d'arrivée de l'appel (téléphonie, LRM) : mesure du délai de décroché.",
        )
        caller_name = serializers.CharField(required=False, allow_blank=True, default="")
        caller_phone = serializers.CharField(required=False, allow_blank=True, default="")
        caller_relation = serializers.ChoiceField(
            choices=CallerRelation.choices, default=CallerRelation.PATIENT
        )
        patient_last_name = serializers.CharField(required=False, allow_blank=True, default="")
        patient_first_name = serializers.CharField(required=False, allow_blank=True, default="")
        patient_birth_date = serializers.DateField(required=False, allow_null=True, default=None)
        patient_age = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=130, default=None
        )
        patient_sex = serializers.ChoiceField(choices=Sex.choices, required=False, default="")
        patient_phone = serializers.CharField(required=False, allow_blank=True, default="")
        address = serializers.CharField(required=False, allow_blank=True, default="")
        priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.P2)
        treating_doctor_name = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="File d'attente et dossiers de mes territoires",
        responses={200: QueueItemSerializer(many=True)},
    )
    def get(self, request):
        if not permissions.can_view_queue(request.user):
            raise PermissionDeniedError("Réservé aux équipes de régulation.")
        rows = selectors.queue_for_user(
            user=request.user, territory_code=request.query_params.get("territoire")
        )
        return Response(QueueItemSerializer(rows, many=True).data)

    @extend_schema(
        summary="Ouvrir un dossier (et l'orienter en une action)",
        request=InputSerializer,
        responses={201: DossierOutputSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Appel au 116 117, orienté vers la médecine générale",
                value={
                    "commune": "13055",
                    "reason": "Fièvre depuis 2 jours",
                    "route": "general_practice",
                    "origin": "116117",
                    "patient_age": 34,
                },
            )
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        commune = commune_get(insee_code=data.pop("commune"))
        if commune is None:
            raise ApplicationError(
                "Commune inconnue.", code="invalid", extra={"fields": {"commune": ["Code INSEE inconnu."]}}
            )
        territory = commune.departement_id
        if not permissions.can_create_dossier(request.user, territory):
            raise PermissionDeniedError("Vous ne pouvez pas ouvrir de dossier sur ce territoire.")
        route = ROUTES.get(data.pop("route", None) or "")
        dossier = services.dossier_open(
            actor=request.user,
            territory_code=territory,
            commune=commune,
            reason=data.pop("reason"),
            route=route,
            **data,
        )
        return Response(_out(dossier), status=status.HTTP_201_CREATED)


class DossierDetailApi(APIView):
    @extend_schema(
        summary="Lire un dossier (lecture journalisée)",
        responses={200: DossierOutputSerializer, 403: ErrorSerializer},
    )
    def get(self, request, pk: int):
        dossier = selectors.dossier_read(
            user=request.user, dossier_id=pk, path=request.get_full_path(), purpose=AccessPurpose.API
        )
        return Response(_out(dossier))


class DossierRouteApi(APIView):
    class InputSerializer(serializers.Serializer):
        route = serializers.ChoiceField(choices=list(ROUTES))
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Orienter vers l'AMU ou la médecine générale",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Réorientation vers l'AMU",
                value={"route": "amu", "reason": "Douleur thoracique"},
                request_only=True,
            ),
            OpenApiExample(
                "Transition refusée",
                value={
                    "message": "Action « Orientation vers l'AMU » impossible : le dossier est « Clos ».",
                    "code": "transition_not_allowed",
                    "extra": {"state": "closed", "transition": "route_amu"},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, pk: int):
        dossier = _dossier(pk, request.user, permissions.can_route_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.dossier_route(
            dossier_id=dossier.pk,
            actor=request.user,
            to=ROUTES[serializer.validated_data["route"]],
            reason=serializer.validated_data["reason"],
        )
        return Response(_out(dossier))


class DossierClaimApi(APIView):
    class InputSerializer(serializers.Serializer):
        take_over = serializers.BooleanField(default=False)

    @extend_schema(
        summary="Prendre un dossier (ou le reprendre explicitement)",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample("Prendre", value={"take_over": False}, request_only=True),
            OpenApiExample(
                "Déjà pris",
                value={
                    "message": "Le dossier SAS13-000042 est déjà pris en charge par Paul Roux.",
                    "code": "dossier_held",
                    "extra": {"holder": "Paul Roux"},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, pk: int):
        dossier = _dossier(pk, request.user, permissions.can_claim_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.dossier_claim(
            dossier_id=dossier.pk, actor=request.user, take_over=serializer.validated_data["take_over"]
        )
        return Response(_out(dossier))


class DossierReleaseApi(APIView):
    @extend_schema(summary="Relâcher un dossier", request=None, responses={200: DossierOutputSerializer})
    def post(self, request, pk: int):
        dossier = _dossier(pk, request.user, permissions.can_claim_dossier)
        return Response(_out(services.dossier_release(dossier_id=dossier.pk, actor=request.user)))


class DossierDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=Decision.choices)
        priority = serializers.ChoiceField(choices=Priority.choices, required=False)
        care_level = serializers.ChoiceField(
            choices=CareLevel.choices, required=False, allow_blank=True, default=""
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Décision du régulateur",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[OpenApiExample("RDV sous 48 h", value={"decision": "appointment_48h", "priority": "P2"})],
    )
    def post(self, request, pk: int):
        dossier = _dossier(pk, request.user, permissions.can_decide_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dossier = services.dossier_decide(
            dossier_id=dossier.pk,
            actor=request.user,
            decision=data["decision"],
            notes=data["notes"],
            priority=data.get("priority"),
            care_level=data["care_level"],
        )
        return Response(_out(dossier))


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
        dossier = _dossier(pk, request.user, permissions.can_orient_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.slot_book_platform(
            dossier_id=dossier.pk, slot_id=serializer.validated_data["slot"], actor=request.user
        )
        return Response(BookingOutputSerializer(booking).data, status=status.HTTP_201_CREATED)


class DossierCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        result = serializers.ChoiceField(
            choices=[
                OrientationResult.ADVICE,
                OrientationResult.EMERGENCY_DEPARTMENT,
                OrientationResult.AMU,
                OrientationResult.PDSA,
            ]
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Clore l'orientation sans rendez-vous (conseil, urgences, AMU, PDSA)",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Orienté vers les urgences",
                value={"result": "emergency_department", "notes": "Suspicion de fracture"},
                request_only=True,
            )
        ],
    )
    def post(self, request, pk: int):
        dossier = _dossier(pk, request.user, permissions.can_orient_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.dossier_orientation_close(
            dossier_id=dossier.pk, actor=request.user, **serializer.validated_data
        )
        return Response(_out(dossier))


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
            dossier_id=_int_param(request.query_params.get("dossier")),
            status=request.query_params.get("status") or None,
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
        from cpts.models import Professional, Structure

        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dossier = _dossier(data["dossier"], request.user, permissions.can_orient_dossier)
        professional = (
            Professional.objects.filter(pk=data["professional"]).first() if data["professional"] else None
        )
        structure = Structure.objects.filter(pk=data["structure"]).first() if data["structure"] else None
        if (professional is None) == (structure is None):
            raise ApplicationError("Indiquez un médecin ou une structure.", code="invalid")
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
        doctor_name = serializers.CharField(required=False, allow_blank=True, default="")
        appointment_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Répondre à une demande en surnuméraire (une seule réponse est retenue)",
        request=InputSerializer,
        responses={200: SurnumeraireRequestOutputSerializer, 409: ErrorSerializer},
        examples=[OpenApiExample("Acceptée", value={"status": "accepted", "doctor_name": "Dr Paul Durand"})],
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


def _int_param(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ApplicationError("Identifiant invalide.", code="invalid")
    return int(value)


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
        dossier = _dossier(pk, request.user, permissions.can_orient_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.treating_doctor_call_record(
            dossier_id=dossier.pk, actor=request.user, **serializer.validated_data
        )
        return Response(_out(dossier))


class DossierBookingsApi(APIView):
    @extend_schema(
        summary="Rendez-vous d'un dossier (avec les faits pour la rémunération)",
        responses={200: BookingOutputSerializer(many=True), 403: ErrorSerializer},
    )
    def get(self, request, pk: int):
        dossier = _dossier(pk, request.user, permissions.can_view_dossier)
        return Response(BookingOutputSerializer(selectors.dossier_bookings(dossier=dossier), many=True).data)
