"""API views of `planning`: one class per operation, nested Input/Output serializers (STYLE.md 3).

- ``GET slots/search/``: the 48 h search (DOMAIN.md §3.2) for the regulation desk of the patient's
  territory (the commune's département, or the nearest commune's for coordinates).
- ``GET agenda-sources/``, ``GET agenda-sources/{id}/runs/``, ``POST agenda-sources/{id}/run/``:
  sources' health and freshness, their runs, "run now" (administrators).
- ``declared-availabilities/``: the effecteur's own declared availability (DOMAIN.md §3.3, §4).

Objects outside the caller's scope answer 404; a visible object the caller may not act on, 403.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from planning import permissions, selectors, services
from planning.connectors.breaker import breaker_state
from planning.enums import AvailabilityKind, Modality
from planning.models import AgendaSource, DeclaredAvailability
from planning.selectors import MAX_RADIUS_KM
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.pagination import PageNumberPagination
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from sas_platform.selectors import commune_get


def _deny(message: str = "Vous n'avez pas le droit d'effectuer cette action.") -> PermissionDeniedError:
    return PermissionDeniedError(message)


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_search", extra={"fields": {field: [message]}})


# --- The 48 h search ------------------------------------------------------------------------------
class SlotProfessionalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rpps = serializers.CharField(source="identifier")
    civility = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()


class SlotPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    commune = serializers.CharField(source="commune_id", allow_null=True)
    commune_name = serializers.CharField(source="commune.name", allow_null=True, default=None)


class SlotResultSerializer(serializers.Serializer):
    """One ranked slot (``planning.selectors.SlotSearchResult``)."""

    id = serializers.IntegerField(source="slot.pk")
    start = serializers.DateTimeField(source="slot.start")
    end = serializers.DateTimeField(source="slot.end")
    modalities = serializers.ListField(child=serializers.CharField(), source="slot.modalities")
    slot_types = serializers.ListField(child=serializers.CharField(), source="slot.slot_types")
    specialty = serializers.CharField(source="slot.specialty_code")
    bookable = serializers.BooleanField(source="slot.bookable")
    platform_owned = serializers.BooleanField(
        source="slot.is_platform_owned",
        help_text="Créneau de la plateforme (disponibilité déclarée) : réservé ici, pas chez un éditeur.",
    )
    professional = SlotProfessionalSerializer(source="slot.professional")
    place = SlotPlaceSerializer(source="slot.place", allow_null=True)
    distance_km = serializers.FloatField()
    source_name = serializers.CharField()
    freshness_seconds = serializers.IntegerField(
        allow_null=True, help_text="Âge de la dernière interrogation réussie de la source (s)."
    )
    stale = serializers.BooleanField(help_text="Source non mise à jour récemment : créneau à confirmer.")
    rank_reason = serializers.CharField(help_text="Pourquoi ce rang (heure, distance, rotation, source).")


class SlotSearchApi(APIView):
    """Free slots near a patient within 48 h, ranked neutrally and explained (DOMAIN.md §3.2)."""

    class FilterSerializer(serializers.Serializer):
        commune = serializers.CharField(
            required=False, allow_blank=True, help_text="Code INSEE de la commune du patient."
        )
        latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
        longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
        radius_km = serializers.FloatField(
            required=False,
            min_value=1,
            max_value=MAX_RADIUS_KM,
            help_text="Rayon (km). Par défaut celui du département, élargi par son pas (13 : 10 km puis +5 km).",
        )
        start = serializers.DateTimeField(
            required=False, help_text="Début de la fenêtre (défaut : maintenant)."
        )
        end = serializers.DateTimeField(
            required=False, help_text="Fin de la fenêtre (défaut : début + 48 h ; au plus 7 jours)."
        )
        modalities = serializers.CharField(
            required=False, allow_blank=True, help_text="Modalités séparées par des virgules : AMB, VR, HH."
        )
        specialty = serializers.CharField(
            required=False, default="SM54", help_text="Spécialité (TRE_R38), défaut SM54 médecine générale."
        )
        limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)

        def validate_modalities(self, value: str) -> list[str]:
            codes = sorted({code.strip().upper() for code in value.split(",") if code.strip()})
            unknown = [code for code in codes if code not in Modality.values]
            if unknown:
                raise serializers.ValidationError(
                    f"Modalité inconnue : {', '.join(unknown)} (AMB, VR ou HH)."
                )
            return codes

        def validate(self, data):
            has_point = "latitude" in data or "longitude" in data
            if has_point and ("latitude" not in data or "longitude" not in data):
                raise serializers.ValidationError(
                    {
                        "longitude" if "latitude" in data else "latitude": [
                            "Latitude et longitude vont ensemble."
                        ]
                    }
                )
            if not data.get("commune") and not has_point:
                raise serializers.ValidationError(
                    {"commune": ["Indiquez la commune du patient (code INSEE) ou ses coordonnées."]}
                )
            return data

    class OutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        radius_km = serializers.FloatField(help_text="Rayon finalement utilisé (km).")
        widened = serializers.BooleanField(help_text="Rayon élargi faute de 5 créneaux au rayon par défaut.")
        departement = serializers.CharField()
        window_start = serializers.DateTimeField()
        window_end = serializers.DateTimeField()
        results = SlotResultSerializer(many=True)

    @extend_schema(
        summary="Rechercher les créneaux libres sous 48 h",
        description=(
            "Créneaux libres près du patient (commune ou coordonnées), classés de façon neutre : le plus tôt, "
            "puis le plus proche (à 0,1 km), puis rotation équitable entre médecins (un médecin sollicité par "
            "le SAS ces 7 derniers jours passe après un médecin à égalité qui ne l'a pas été). Aucune source "
            "ni aucun éditeur n'est favorisé. Chaque résultat dit pourquoi il est à ce rang, sa source et la "
            "fraîcheur de celle-ci. Réservé à la régulation du territoire du patient."
        ),
        parameters=[
            FilterSerializer,
            OpenApiParameter(
                "commune",
                str,
                examples=[OpenApiExample("Marseille 1er", value="13201")],
                description="Code INSEE",
            ),
            OpenApiParameter(
                "modalities", str, examples=[OpenApiExample("Cabinet ou téléconsultation", value="AMB,VR")]
            ),
        ],
        responses={200: OutputSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Un créneau à 1,2 km",
                response_only=True,
                value={
                    "count": 1,
                    "radius_km": 10.0,
                    "widened": False,
                    "departement": "13",
                    "window_start": "2026-11-23T09:00:00+01:00",
                    "window_end": "2026-11-25T09:00:00+01:00",
                    "results": [
                        {
                            "id": 4812,
                            "start": "2026-11-23T10:20:00+01:00",
                            "end": "2026-11-23T10:40:00+01:00",
                            "modalities": ["AMB"],
                            "slot_types": ["PUBLIC", "SNP"],
                            "specialty": "SM54",
                            "bookable": True,
                            "platform_owned": False,
                            "professional": {
                                "id": 31,
                                "rpps": "10101234567",
                                "civility": "Dr",
                                "last_name": "Martin",
                                "first_name": "Claire",
                            },
                            "place": {
                                "id": 40,
                                "name": "Cabinet médical du Panier",
                                "address": "3 rue du Panier",
                                "postal_code": "13002",
                                "commune": "13202",
                                "commune_name": "Marseille 2e Arrondissement",
                            },
                            "distance_km": 1.21,
                            "source_name": "Agenda démo (éditeur FHIR)",
                            "freshness_seconds": 84,
                            "stale": False,
                            "rank_reason": "Début lun. 23/11 à 10:20 ; à 1,2 km",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if data.get("commune"):
            commune = commune_get(insee_code=data["commune"].strip())
            if commune is None or commune.latitude is None:
                raise _invalid("commune", f"Commune {data['commune'].strip()} inconnue.")
            latitude, longitude = (
                data.get("latitude", commune.latitude),
                data.get("longitude", commune.longitude),
            )
        else:
            latitude, longitude = data["latitude"], data["longitude"]
            commune = selectors.commune_nearest(latitude=latitude, longitude=longitude)
            if commune is None:
                raise _invalid("latitude", "Aucune commune connue à moins de 30 km de ces coordonnées.")
        departement = commune.departement_id
        if not permissions.can_search_slots(request.user, departement):
            raise _deny("Vous ne pouvez chercher des créneaux que pour un patient de vos territoires.")
        start = data.get("start") or timezone.now()
        end = data.get("end") or start + timedelta(hours=48)
        results = selectors.slots_search(
            latitude=latitude,
            longitude=longitude,
            radius_km=data.get("radius_km"),
            start=start,
            end=end,
            modalities=set(data.get("modalities") or ()) or None,
            specialty_code=data["specialty"],
            departement=departement,
            limit=data["limit"],
        )
        body = {
            "count": len(results),
            "radius_km": results[0].radius_km if results else data.get("radius_km") or 0.0,
            "widened": bool(results and results[0].widened),
            "departement": departement,
            "window_start": start,
            "window_end": end,
            "results": results,
        }
        return Response(self.OutputSerializer(body).data)


# --- Agenda sources -------------------------------------------------------------------------------
class RunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    trigger = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    window_start = serializers.DateTimeField(allow_null=True)
    window_end = serializers.DateTimeField(allow_null=True)
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    requests = serializers.IntegerField()
    fetched = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    gone = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rejections = serializers.ListField(
        child=serializers.DictField(), help_text="Ressource et motif du rejet."
    )
    errors = serializers.ListField(child=serializers.CharField())


def _visible_source(user, pk: int) -> AgendaSource:
    source = AgendaSource.objects.select_related("departement").filter(pk=pk).first()
    if source is None or not permissions.can_view_source(user, source):
        raise NotFoundError("Source d'agenda introuvable.", code="source_not_found")
    return source


class AgendaSourceListApi(APIView):
    """Each visible source's health, freshness, circuit breaker and last run (issue 4 §3)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="source.pk")
        name = serializers.CharField(source="source.name")
        label = serializers.CharField(source="source.label")
        kind = serializers.CharField(source="source.kind")
        departement = serializers.CharField(source="source.departement_id", allow_null=True)
        is_active = serializers.BooleanField(source="source.is_active")
        health = serializers.CharField(source="source.health")
        last_attempt_at = serializers.DateTimeField(source="source.last_attempt_at", allow_null=True)
        last_success_at = serializers.DateTimeField(source="source.last_success_at", allow_null=True)
        freshness_seconds = serializers.IntegerField(allow_null=True)
        stale = serializers.BooleanField()
        consecutive_failures = serializers.IntegerField(source="source.consecutive_failures")
        last_error = serializers.CharField(source="source.last_error")
        circuit = serializers.CharField(help_text="Disjoncteur : closed, open ou half-open.")
        professionals = serializers.IntegerField(help_text="Nombre de RPPS couverts.")
        poll_every_seconds = serializers.IntegerField(source="source.poll_every_seconds")
        can_run = serializers.BooleanField()
        last_run = RunOutputSerializer(allow_null=True)

    @extend_schema(
        summary="Sources d'agenda : santé et fraîcheur",
        responses={200: OutputSerializer(many=True), 401: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request):
        if not permissions.can_view_sources(request.user):
            raise _deny()
        now = timezone.now()
        sources = list(selectors.sources_visible_to(user=request.user))
        last_runs = selectors.source_last_runs(sources=sources)
        rows = [
            {
                "source": source,
                "freshness_seconds": source.freshness_seconds(now),
                "stale": source.is_stale(now),
                "circuit": breaker_state(source.name),
                "professionals": len(source.rpps_list or []),
                "can_run": permissions.can_run_source(request.user, source),
                "last_run": last_runs.get(source.pk),
            }
            for source in sources
        ]
        return Response(self.OutputSerializer(rows, many=True).data)


class AgendaSourceRunListApi(APIView):
    """A source's runs, newest first: statistics, rejections with their reason, errors."""

    @extend_schema(
        summary="Interrogations d'une source",
        responses={200: RunOutputSerializer(many=True), 401: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        if not permissions.can_view_sources(request.user):
            raise _deny()
        source = _visible_source(request.user, pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.source_runs_of(source=source), request, view=self)
        return paginator.get_paginated_response(RunOutputSerializer(page, many=True).data)


class AgendaSourceRunApi(APIView):
    """Run a source now (administrators): a pending run, polled by a worker of the ``ingest`` queue."""

    class OutputSerializer(serializers.Serializer):
        run_id = serializers.IntegerField()
        status = serializers.CharField()

    @extend_schema(
        summary="Interroger une source maintenant",
        request=None,
        responses={
            202: OutputSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        examples=[OpenApiExample("Demandée", response_only=True, value={"run_id": 118, "status": "pending"})],
    )
    def post(self, request, pk: int):
        if not permissions.can_view_sources(request.user):
            raise _deny()
        source = _visible_source(request.user, pk)
        if not permissions.can_run_source(request.user, source):
            raise _deny("Seul un administrateur peut interroger cette source.")
        run = services.source_run_request(source=source, actor=request.user)
        return Response(
            self.OutputSerializer({"run_id": run.pk, "status": run.status}).data,
            status=status.HTTP_202_ACCEPTED,
        )


# --- Declared availability (the effecteur's own) --------------------------------------------------
class DeclaredAvailabilityOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    weekday = serializers.IntegerField(allow_null=True, help_text="0 = lundi … 6 = dimanche.")
    date = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    modalities = serializers.ListField(child=serializers.CharField())
    patients = serializers.IntegerField()
    place = serializers.IntegerField(source="place_id", allow_null=True)


class DeclaredAvailabilityInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AvailabilityKind.choices)
    weekday = serializers.IntegerField(min_value=0, max_value=6, required=False, allow_null=True)
    date = serializers.DateField(required=False, allow_null=True)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    modalities = serializers.ListField(child=serializers.ChoiceField(choices=Modality.choices), min_length=1)
    patients = serializers.IntegerField(min_value=1, max_value=20, default=1)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate(self, data):
        kind = data.get("kind", getattr(self.instance, "kind", None))
        weekday = data.get("weekday", getattr(self.instance, "weekday", None))
        day = data.get("date", getattr(self.instance, "date", None))
        if kind == AvailabilityKind.WEEKLY and weekday is None:
            raise serializers.ValidationError({"weekday": ["Choisissez le jour de la semaine."]})
        if kind == AvailabilityKind.ONE_OFF and day is None:
            raise serializers.ValidationError({"date": ["Choisissez la date."]})
        if kind == AvailabilityKind.ONE_OFF and day < timezone.localdate():
            raise serializers.ValidationError({"date": ["La date est passée."]})
        start = data.get("start_time", getattr(self.instance, "start_time", None))
        end = data.get("end_time", getattr(self.instance, "end_time", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"end_time": ["La fin doit suivre le début."]})
        return data


class DeclaredWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    meets_two_hours_rule = serializers.BooleanField()


AVAILABILITY_EXAMPLE = {
    "kind": "weekly",
    "weekday": 1,
    "start_time": "14:00",
    "end_time": "16:00",
    "modalities": ["AMB", "VR"],
    "patients": 4,
}


def _professional_or_403(user):
    if not permissions.can_declare_availability(user):
        raise _deny("Réservé au médecin effecteur rattaché à sa fiche de l'annuaire.")
    return user.professional


def _own_availability(user, pk: int) -> DeclaredAvailability:
    professional = _professional_or_403(user)
    block = selectors.declared_availabilities_of(professional=professional).filter(pk=pk).first()
    if block is None:
        raise NotFoundError("Disponibilité introuvable.", code="availability_not_found")
    return block


class DeclaredAvailabilityListApi(APIView):
    """My declared blocks, and my declared hours for this week and the next three (2 h/week rule)."""

    class OutputSerializer(serializers.Serializer):
        results = DeclaredAvailabilityOutputSerializer(many=True)
        weeks = DeclaredWeekSerializer(many=True)

    @extend_schema(
        summary="Mes disponibilités déclarées",
        operation_id="declared_availabilities_list",
        responses={200: OutputSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request):
        professional = _professional_or_403(request.user)
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        weeks = []
        for n in range(4):
            week_start = monday + timedelta(days=7 * n)
            hours = selectors.declared_hours_per_week(professional=professional, week_start=week_start)
            weeks.append({"week_start": week_start, "hours": hours, "meets_two_hours_rule": hours >= 2})
        blocks = selectors.declared_availabilities_of(professional=professional)
        return Response(self.OutputSerializer({"results": blocks, "weeks": weeks}).data)


class DeclaredAvailabilityCreateApi(APIView):
    @extend_schema(
        summary="Déclarer une disponibilité",
        description="Bloc hebdomadaire ou ponctuel ; ses créneaux (un par patient) sont proposés au SAS.",
        request=DeclaredAvailabilityInputSerializer,
        responses={201: DeclaredAvailabilityOutputSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample("Mardi 14 h-16 h, 4 patients", request_only=True, value=AVAILABILITY_EXAMPLE)
        ],
    )
    def post(self, request):
        professional = _professional_or_403(request.user)
        serializer = DeclaredAvailabilityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        block = services.declared_availability_create(
            professional=professional, actor=request.user, **serializer.validated_data
        )
        return Response(DeclaredAvailabilityOutputSerializer(block).data, status=status.HTTP_201_CREATED)


class DeclaredAvailabilityDetailApi(APIView):
    @extend_schema(
        summary="Une de mes disponibilités",
        responses={200: DeclaredAvailabilityOutputSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        return Response(DeclaredAvailabilityOutputSerializer(_own_availability(request.user, pk)).data)


class DeclaredAvailabilityUpdateApi(APIView):
    @extend_schema(
        summary="Modifier une de mes disponibilités",
        description=(
            "Champs envoyés seulement. Les créneaux libres à venir suivent ; les créneaux déjà retenus ou "
            "pris ne bougent pas."
        ),
        request=DeclaredAvailabilityInputSerializer(partial=True),
        responses={
            200: DeclaredAvailabilityOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        examples=[OpenApiExample("Jusqu'à 17 h", request_only=True, value={"end_time": "17:00"})],
    )
    def post(self, request, pk: int):
        block = _own_availability(request.user, pk)
        serializer = DeclaredAvailabilityInputSerializer(block, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        block = services.declared_availability_update(
            availability=block, actor=request.user, **serializer.validated_data
        )
        return Response(DeclaredAvailabilityOutputSerializer(block).data)


class DeclaredAvailabilityDeleteApi(APIView):
    @extend_schema(
        summary="Retirer une de mes disponibilités",
        description="Ses créneaux libres à venir disparaissent de la recherche.",
        request=None,
        responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request, pk: int):
        block = _own_availability(request.user, pk)
        services.declared_availability_remove(availability=block, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
