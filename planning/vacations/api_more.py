"""API of what the vacation pages do besides vacations and requests (issue 11 §10): leave
(unavailability), a planning's closure days, the user's notification preferences and the load
against target. The same services, selectors, permissions and French messages as the pages
(``web/leave.py``, ``web/pages.py``, ``web/notifications.py``); errors as in ``api.py`` (400 with a
``code``, 409 when the state forbids it, 404 outside the caller's plannings).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cpts.selectors import vacations as directory
from planning.vacations import permissions, selectors
from planning.vacations.api import ERRORS, call_service, planning_for, professional_of
from planning.vacations.calendar import month_bounds
from planning.vacations.enums import NotificationChannel, NotificationKind
from planning.vacations.models import Unavailability
from planning.vacations.preferences import recipient_of
from planning.vacations.services import coverage, unavailability
from planning.vacations.services.preferences import notification_preferences_save
from sas_platform.api.pagination import PageNumberPagination, paginated
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError


class UnavailabilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    professional = serializers.IntegerField(source="professional_id")
    start = serializers.SerializerMethodField(help_text="Premier jour (inclus).")
    end = serializers.SerializerMethodField(help_text="Dernier jour (inclus).")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField()
    deletable = serializers.SerializerMethodField(help_text="À venir : peut encore être supprimée.")

    def get_start(self, obj) -> str:
        return unavailability.leave_days(obj)[0].isoformat()

    def get_end(self, obj) -> str:
        return unavailability.leave_days(obj)[1].isoformat()

    def get_deletable(self, obj) -> bool:
        return obj.starts_at > timezone.now()


LEAVE_EXAMPLE = {
    "id": 31,
    "professional": 12,
    "start": "2027-02-15",
    "end": "2027-02-21",
    "starts_at": "2027-02-15T00:00:00+01:00",
    "ends_at": "2027-02-22T00:00:00+01:00",
    "reason": "Congés",
    "deletable": True,
}


class UnavailabilityListApi(APIView):
    """A professional's own leaves; with ``planning``, a coordinator's view of its members' leaves
    (current and coming, as on the planning's "Indisponibilités" page)."""

    class InputSerializer(serializers.Serializer):
        start = serializers.DateField(help_text="Premier jour (inclus).")
        end = serializers.DateField(help_text="Dernier jour (inclus).")
        reason = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
        planning = serializers.IntegerField(
            required=False, allow_null=True, help_text="Coordinateur : le planning du professionnel."
        )
        professional = serializers.IntegerField(
            required=False, allow_null=True, help_text="Coordinateur : un membre du planning."
        )
        confirm = serializers.BooleanField(
            default=False,
            help_text="Coordinateur : enregistrer même si le professionnel tient des vacations "
            "pendant la période (elles restent attribuées, à réattribuer).",
        )

    @extend_schema(
        summary="Indisponibilités (mes congés, ou ceux des membres d'un planning)",
        parameters=[
            OpenApiParameter(
                "planning", int, description="Coordinateur : les congés en cours et à venir de ses membres."
            )
        ],
        responses={200: paginated(UnavailabilitySerializer, "PaginatedUnavailabilityList"), **ERRORS},
        examples=[
            OpenApiExample(
                "Une page",
                response_only=True,
                value={"count": 1, "next": None, "previous": None, "results": [LEAVE_EXAMPLE]},
            )
        ],
    )
    def get(self, request):
        planning_id = request.query_params.get("planning")
        if planning_id:
            if not planning_id.isdigit():
                raise ApplicationError("Identifiant numérique attendu.", code="invalid")
            planning = planning_for(request.user, int(planning_id), manage=True)
            rows = selectors.leaves_of_planning(planning=planning, since=timezone.now())
        else:
            rows = selectors.leaves_of(professional_id=professional_of(request.user).pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(UnavailabilitySerializer(page, many=True).data)

    @extend_schema(
        summary="Déclarer une indisponibilité",
        description=(
            "Sans `planning` : pour soi (refusé, code `conflict`, si l'on tient des vacations pendant "
            "la période). Avec `planning` et `professional` : le coordinateur pour un membre ; s'il "
            "tient des vacations pendant la période, 400 code `confirm` (le message les nomme) tant "
            "que `confirm` n'est pas vrai."
        ),
        request=InputSerializer,
        responses={201: UnavailabilitySerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Mes congés", request_only=True, value={"start": "2027-02-15", "end": "2027-02-21"}
            ),
            OpenApiExample(
                "Pour un membre, confirmé",
                request_only=True,
                value={
                    "planning": 3,
                    "professional": 12,
                    "start": "2027-02-15",
                    "end": "2027-02-21",
                    "reason": "Formation",
                    "confirm": True,
                },
            ),
            OpenApiExample("Enregistrée", response_only=True, status_codes=["201"], value=LEAVE_EXAMPLE),
        ],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        by_coordinator = values.get("planning") is not None
        if by_coordinator:
            planning = planning_for(request.user, values["planning"], manage=True)
            members = {pk for pk, _name in selectors.planning_people(planning=planning)}
            if values.get("professional") not in members:
                raise ApplicationError(
                    "Choisissez un professionnel membre de la structure du planning.", code="invalid"
                )
            professional_id = values["professional"]
        else:
            professional_id = professional_of(request.user).pk
            if values.get("professional") not in (None, professional_id):
                raise ApplicationError(
                    "Pour déclarer le congé d'un membre, indiquez le planning que vous coordonnez.",
                    code="invalid",
                )
        leave, _held = call_service(
            unavailability.unavailability_declare,
            professional_id=professional_id,
            start=values["start"],
            end=values["end"],
            reason=values["reason"],
            actor=request.user,
            by_coordinator=by_coordinator,
            confirm=values["confirm"] if by_coordinator else False,
        )
        return Response(UnavailabilitySerializer(leave).data, status=status.HTTP_201_CREATED)


class UnavailabilityDetailApi(APIView):
    @extend_schema(
        summary="Supprimer une indisponibilité à venir",
        description="Le professionnel, ou un coordinateur d'une structure dont il est membre ; "
        "une indisponibilité commencée ou passée est conservée (409).",
        responses={204: None, **ERRORS},
    )
    def delete(self, request, pk: int):
        leave = Unavailability.objects.filter(pk=pk).first()
        if leave is None or not permissions.can_manage_leave_of(request.user, leave.professional_id):
            raise NotFoundError("Indisponibilité introuvable.", code="unavailability_not_found")
        call_service(unavailability.unavailability_delete, unavailability_id=pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClosureDaysSerializer(serializers.Serializer):
    days = serializers.ListField(child=serializers.DateField(), max_length=400)


class ClosureDaysApi(APIView):
    class OutputSerializer(serializers.Serializer):
        days = serializers.ListField(child=serializers.DateField())
        already_generated = serializers.ListField(
            child=serializers.CharField(),
            help_text="Vacations déjà générées les jours ajoutés : elles restent en place (à annuler).",
        )

    def _answer(self, planning, already=()):
        planning.refresh_from_db(fields=["closure_days"])
        days = [d["day"] for d in selectors.closure_days_of(planning=planning)]
        return Response(self.OutputSerializer({"days": days, "already_generated": list(already)}).data)

    @extend_schema(
        summary="Jours de fermeture d'un planning (coordinateur)",
        responses={200: OutputSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Deux jours",
                response_only=True,
                value={"days": ["2027-05-07", "2027-12-24"], "already_generated": []},
            )
        ],
    )
    def get(self, request, pk: int):
        return self._answer(planning_for(request.user, pk, manage=True))

    @extend_schema(
        summary="Remplacer les jours de fermeture d'un planning (coordinateur)",
        description="La liste complète : les jours absents sont retirés, les nouveaux ajoutés "
        "(ni passés, ni à plus de deux ans) ; un refus n'en change aucun. La génération évite ces "
        "jours ; les vacations déjà générées restent en place et sont nommées.",
        request=ClosureDaysSerializer,
        responses={200: OutputSerializer, **ERRORS},
        examples=[OpenApiExample("Fermer le 24 décembre", request_only=True, value={"days": ["2027-12-24"]})],
    )
    def put(self, request, pk: int):
        planning = planning_for(request.user, pk, manage=True)
        data = ClosureDaysSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        already = call_service(
            unavailability.closure_days_set,
            planning_id=pk,
            days=data.validated_data["days"],
            actor=request.user,
        )
        return self._answer(planning, already)


class PreferencesSerializer(serializers.Serializer):
    mobile_phone = serializers.CharField(allow_blank=True, max_length=20, help_text="Vide : aucun SMS.")
    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=NotificationChannel.choices)),
        help_text="Par type de message (" + ", ".join(NotificationKind.values) + ") : email et/ou sms.",
    )


class NotificationPreferencesApi(APIView):
    """The signed-in user's "Mes notifications" (professionals and coordinators, like the page)."""

    def _recipient(self, request):
        professional = directory.professional_of_user(user=request.user)
        if professional is None and not directory.structure_ids_coordinated_by(user=request.user):
            raise PermissionDeniedError("Réservé aux professionnels et aux coordinateurs de structure.")
        place = directory.first_place_of(professional_id=professional.pk) if professional else None
        current = recipient_of(user=request.user, fallback_phone=place.phone if place else "")
        return {"mobile_phone": current.mobile, "channels": current.channels}

    @extend_schema(
        summary="Mes préférences de notification",
        description="Les choix enregistrés, ou les valeurs par défaut (e-mail pour tout ; SMS aussi "
        "pour les rappels et les changements quand un mobile est connu).",
        responses={200: PreferencesSerializer, **ERRORS},
    )
    def get(self, request):
        return Response(PreferencesSerializer(self._recipient(request)).data)

    @extend_schema(
        summary="Enregistrer mes préférences de notification",
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "SMS pour les rappels",
                request_only=True,
                value={
                    "mobile_phone": "06 12 34 56 78",
                    "channels": {
                        kind: ["email", "sms"] if kind == "reminder" else ["email"]
                        for kind in NotificationKind.values
                    },
                },
            )
        ],
    )
    def put(self, request):
        self._recipient(request)
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            notification_preferences_save,
            user=request.user,
            mobile_phone=data.validated_data["mobile_phone"],
            channels=data.validated_data["channels"],
        )
        return Response(PreferencesSerializer(self._recipient(request)).data)


class LoadRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Le professionnel.")
    name = serializers.CharField()
    history = serializers.IntegerField(help_text="Vacations tenues le trimestre précédent.")
    held = serializers.IntegerField(help_text="Vacations tenues dans le mois.")
    load = serializers.IntegerField(help_text="history + held.")
    target = serializers.FloatField(help_text="Cible équitable (historique compris).")
    gap = serializers.FloatField(help_text="load − target.")


class LoadApi(APIView):
    class OutputSerializer(serializers.Serializer):
        month = serializers.CharField()
        max_gap = serializers.FloatField()
        period_total = serializers.IntegerField()
        period_open = serializers.IntegerField()
        rows = LoadRowSerializer(many=True, help_text="Une ligne par membre, les plus grands écarts d'abord.")

    @extend_schema(
        summary="Charge par personne face à sa cible (coordinateur)",
        description="Une ligne par membre de la structure (bornée par leur nombre : pas de pagination).",
        parameters=[OpenApiParameter("month", str, description="AAAA-MM ; défaut : le mois en cours.")],
        responses={200: OutputSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Un membre",
                response_only=True,
                value={
                    "month": "2027-02",
                    "max_gap": 1.5,
                    "period_total": 40,
                    "period_open": 3,
                    "rows": [
                        {
                            "id": 12,
                            "name": "MARTIN Claire",
                            "history": 6,
                            "held": 5,
                            "load": 11,
                            "target": 9.5,
                            "gap": 1.5,
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request, pk: int):
        planning = planning_for(request.user, pk, manage=True)
        raw = request.query_params.get("month")
        try:
            if raw:
                year, month = (int(part) for part in raw.split("-"))
                first = date(year, month, 1)
            else:
                first = timezone.localdate().replace(day=1)
        except ValueError as exc:
            raise ApplicationError("Mois attendu au format AAAA-MM.", code="invalid") from exc
        last = month_bounds(first)[1].date() - timedelta(days=1)
        data = coverage.load_against_target(planning=planning, start=first, end=last)
        return Response(self.OutputSerializer({**data, "month": f"{first:%Y-%m}"}).data)
