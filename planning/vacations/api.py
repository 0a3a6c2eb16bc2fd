"""API of the vacation planning under ``/api/v1/planning/`` (issue 11 §10): the same services as the
pages. One class per operation; errors in French with a stable code (409 when the state changed
meanwhile: a vacation already taken, a request no longer open). Outside the caller's plannings: 404.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cpts.selectors import vacations as directory
from planning.vacations import permissions, selectors, services
from planning.vacations.enums import TransferKind
from planning.vacations.facts import statistics
from planning.vacations.models import TransferRequest, Vacation, VacationPlanning
from planning.vacations.policies import PARIS
from sas_platform.api.apis import ErrorSerializer
from sas_platform.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError

CONFLICT_CODES = {"conflict", "stale", "expired", "closed"}


def call_service(func, **kwargs):
    """Run a service; a changed state answers 409."""
    try:
        return func(**kwargs)
    except ApplicationError as exc:
        if exc.code in CONFLICT_CODES and type(exc) is ApplicationError:
            raise ConflictError(exc.message, code=exc.code, extra=exc.extra) from exc
        raise


def planning_for(user, pk: int, *, manage: bool = False) -> VacationPlanning:
    planning = VacationPlanning.objects.filter(pk=pk).first()
    if planning is None or not permissions.can_view_planning(user, planning):
        raise NotFoundError("Planning introuvable.", code="planning_not_found")
    if manage and not permissions.can_manage_planning(user, planning):
        raise PermissionDeniedError("Réservé aux coordinateurs de la structure.")
    return planning


def _vacation(user, pk: int, *, manage: bool = False) -> Vacation:
    vacation = (
        Vacation.objects.select_related("planning", "vacation_type", "group", "assignee")
        .filter(pk=pk)
        .first()
    )
    if vacation is None or not permissions.can_view_planning(user, vacation.planning):
        raise NotFoundError("Vacation introuvable.", code="vacation_not_found")
    if manage and not permissions.can_manage_planning(user, vacation.planning):
        raise PermissionDeniedError("Réservé aux coordinateurs de la structure.")
    return vacation


def professional_of(user):
    professional = directory.professional_of_user(user=user)
    if professional is None:
        raise PermissionDeniedError("Réservé aux professionnels rattachés à leur fiche de l'annuaire.")
    return professional


class PlanningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    structure = serializers.IntegerField(source="structure_id")
    requires_approval = serializers.BooleanField()
    change_deadline_hours = serializers.IntegerField()
    self_assignment_open = serializers.SerializerMethodField()

    def get_self_assignment_open(self, obj) -> bool:
        return obj.self_assignment_open()


class VacationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    planning = serializers.IntegerField(source="planning_id")
    type = serializers.CharField(source="vacation_type.name")
    modality = serializers.CharField(source="vacation_type.modality")
    group = serializers.CharField(source="group.name", allow_null=True, default=None)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    capacity = serializers.IntegerField()
    state = serializers.CharField()
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    assignee_rpps = serializers.CharField(source="assignee.identifier", allow_null=True, default=None)
    patients_seen = serializers.IntegerField(allow_null=True)


class TransferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    vacation = serializers.IntegerField(source="vacation_id")
    counter_vacation = serializers.IntegerField(source="counter_vacation_id", allow_null=True)
    from_professional = serializers.IntegerField(source="from_professional_id")
    to_professional = serializers.IntegerField(source="to_professional_id", allow_null=True)
    taken_by = serializers.IntegerField(source="taken_by_id", allow_null=True)
    deadline = serializers.DateTimeField()


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class PlanningListApi(APIView):
    @extend_schema(summary="Mes plannings de vacations", responses={200: PlanningSerializer(many=True)})
    def get(self, request):
        rows = selectors.plannings_for_user(user=request.user).order_by("name")
        return Response(PlanningSerializer(rows, many=True).data)


class VacationListApi(APIView):
    @extend_schema(
        summary="Vacations d'un planning sur une période",
        parameters=[
            OpenApiParameter(
                "start", date, description="Premier jour (AAAA-MM-JJ) ; défaut : début du mois."
            ),
            OpenApiParameter("end", date, description="Dernier jour inclus ; défaut : fin du mois."),
            OpenApiParameter("group", int, description="Un groupe du planning."),
            OpenApiParameter("professional", int, description="Un professionnel (titulaire)."),
        ],
        responses={200: VacationSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        planning = planning_for(request.user, pk)
        try:
            raw_start, raw_end = request.query_params.get("start"), request.query_params.get("end")
            start = date.fromisoformat(raw_start) if raw_start else timezone.localdate().replace(day=1)
            end = (
                date.fromisoformat(raw_end)
                if raw_end
                else (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            )
        except ValueError as exc:
            raise ApplicationError("Dates attendues au format AAAA-MM-JJ.", code="invalid") from exc
        if end < start or (end - start).days > 92:
            raise ApplicationError(
                "Période invalide : la fin suit le début, 93 jours au plus.", code="invalid"
            )
        low = datetime.combine(start, time.min, tzinfo=PARIS)
        high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS)
        rows = selectors.vacations_between(
            planning=planning,
            start=low,
            end=high,
            group_id=_int(request.query_params.get("group")),
            professional_id=_int(request.query_params.get("professional")),
        )
        return Response(VacationSerializer(rows[:2000], many=True).data)


def _int(raw):
    try:
        return int(raw) if raw else None
    except ValueError as exc:
        raise ApplicationError("Identifiant numérique attendu.", code="invalid") from exc


class AssignApi(APIView):
    class InputSerializer(serializers.Serializer):
        professional = serializers.IntegerField()
        force = serializers.BooleanField(
            default=False, help_text="Passer outre les règles (jamais un chevauchement)."
        )

    @extend_schema(
        summary="Attribuer une vacation (coordinateur)",
        request=InputSerializer,
        responses={200: VacationSerializer, **ERRORS},
        examples=[OpenApiExample("Attribuer", request_only=True, value={"professional": 42})],
    )
    def post(self, request, pk: int):
        _vacation(request.user, pk, manage=True)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.vacation_assign,
            vacation_id=pk,
            professional_id=data.validated_data["professional"],
            force=data.validated_data["force"],
            actor=request.user,
        )
        return Response(VacationSerializer(_vacation(request.user, pk)).data)


class ClaimApi(APIView):
    @extend_schema(
        summary="Prendre une vacation libre (auto-attribution)",
        description="La première demande valide l'emporte ; les suivantes reçoivent 409.",
        request=None,
        responses={200: VacationSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        _vacation(request.user, pk)
        call_service(
            services.vacation_claim,
            vacation_id=pk,
            professional_id=professional_of(request.user).pk,
            actor=request.user,
        )
        return Response(VacationSerializer(_vacation(request.user, pk)).data)


class ReleaseApi(APIView):
    @extend_schema(
        summary="Remettre ma vacation au pot commun",
        request=None,
        responses={201: TransferSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        _vacation(request.user, pk)
        created = call_service(
            services.transfer_create,
            vacation_id=pk,
            kind=TransferKind.POOL,
            from_professional_id=professional_of(request.user).pk,
            actor=request.user,
        )
        return Response(TransferSerializer(created).data, status=status.HTTP_201_CREATED)


class ConfirmApi(APIView):
    class InputSerializer(serializers.Serializer):
        done = serializers.BooleanField()
        patients_seen = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    @extend_schema(
        summary="Confirmer une vacation passée (effectuée ou non)",
        request=InputSerializer,
        responses={200: VacationSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Effectuée, 6 patients", request_only=True, value={"done": True, "patients_seen": 6}
            )
        ],
    )
    def post(self, request, pk: int):
        vacation = _vacation(request.user, pk)
        me = directory.professional_of_user(user=request.user)
        if not permissions.can_manage_planning(request.user, vacation.planning) and (
            me is None or me.pk != vacation.assignee_id
        ):
            raise PermissionDeniedError("Seuls le titulaire et le coordinateur confirment une vacation.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.vacation_confirm,
            vacation_id=pk,
            done=data.validated_data["done"],
            patients_seen=data.validated_data.get("patients_seen"),
            actor=request.user,
        )
        return Response(VacationSerializer(_vacation(request.user, pk)).data)


class TransferCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        vacation = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=TransferKind.choices)
        to_professional = serializers.IntegerField(required=False, allow_null=True)
        counter_vacation = serializers.IntegerField(required=False, allow_null=True)
        message = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    @extend_schema(
        summary="Demander une cession, un échange ou une remise au pot commun",
        request=InputSerializer,
        responses={201: TransferSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Cession", request_only=True, value={"vacation": 7, "kind": "cession", "to_professional": 12}
            ),
            OpenApiExample(
                "Échange", request_only=True, value={"vacation": 7, "kind": "exchange", "counter_vacation": 9}
            ),
        ],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        _vacation(request.user, values["vacation"])
        created = call_service(
            services.transfer_create,
            vacation_id=values["vacation"],
            kind=values["kind"],
            from_professional_id=professional_of(request.user).pk,
            to_professional_id=values.get("to_professional"),
            counter_vacation_id=values.get("counter_vacation"),
            message=values["message"],
            actor=request.user,
        )
        return Response(TransferSerializer(created).data, status=status.HTTP_201_CREATED)


class TransferActionApi(APIView):
    """``accept`` (the named colleague, or anyone eligible for the pool), ``refuse``, ``cancel`` (the
    author), ``approve`` (a coordinator)."""

    action = "accept"

    @extend_schema(
        summary="Répondre à une demande de changement",
        request=None,
        responses={200: TransferSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        request_obj = TransferRequest.objects.select_related("vacation__planning").filter(pk=pk).first()
        if request_obj is None or not permissions.can_view_planning(
            request.user, request_obj.vacation.planning
        ):
            raise NotFoundError("Demande introuvable.", code="transfer_not_found")
        manage = permissions.can_manage_planning(request.user, request_obj.vacation.planning)
        if self.action == "approve":
            if not manage:
                raise PermissionDeniedError("Réservé aux coordinateurs de la structure.")
            result = call_service(services.transfer_approve, request_id=pk, actor=request.user)
        elif self.action == "accept":
            result = call_service(
                services.transfer_accept,
                request_id=pk,
                professional_id=professional_of(request.user).pk,
                actor=request.user,
            )
        else:
            func = services.transfer_refuse if self.action == "refuse" else services.transfer_cancel
            me = directory.professional_of_user(user=request.user)
            result = call_service(
                func,
                request_id=pk,
                professional_id=me.pk if me else None,
                actor=request.user,
                by_coordinator=manage,
            )
        return Response(TransferSerializer(result).data)


class StatisticsApi(APIView):
    class RowSerializer(serializers.Serializer):
        month = serializers.CharField()
        rpps = serializers.CharField()
        name = serializers.CharField()
        group = serializers.CharField()
        done = serializers.IntegerField()
        not_done = serializers.IntegerField()
        hours = serializers.DecimalField(max_digits=8, decimal_places=2)
        patients = serializers.IntegerField()
        patients_from_sas = serializers.IntegerField()
        patients_other = serializers.IntegerField()

    @extend_schema(
        summary="Statistiques des vacations confirmées (par professionnel, groupe et mois)",
        parameters=[
            OpenApiParameter("start", date, required=True),
            OpenApiParameter("end", date, required=True),
        ],
        responses={200: RowSerializer(many=True), **ERRORS},
    )
    def get(self, request, pk: int):
        planning = planning_for(request.user, pk, manage=True)
        try:
            start = date.fromisoformat(request.query_params.get("start", ""))
            end = date.fromisoformat(request.query_params.get("end", ""))
        except ValueError as exc:
            raise ApplicationError("Paramètres start et end attendus (AAAA-MM-JJ).", code="invalid") from exc
        return Response(
            self.RowSerializer(statistics(planning=planning, start=start, end=end), many=True).data
        )
