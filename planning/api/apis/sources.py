"""``GET agenda-sources/``, ``GET agenda-sources/{id}/runs/``, ``POST agenda-sources/{id}/run/``:
sources' health and freshness, their runs, "run now" (administrators)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from planning import permissions, selectors, services, tasks
from planning.api.apis._common import deny
from planning.connectors.breaker import breaker_state
from planning.models import AgendaSource
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.pagination import PageNumberPagination, paginated
from sas_platform.exceptions import NotFoundError


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
            raise deny()
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
        responses={
            200: paginated(RunOutputSerializer, "PaginatedSourceRunList"),
            401: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def get(self, request, pk: int):
        if not permissions.can_view_sources(request.user):
            raise deny()
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
            raise deny()
        source = _visible_source(request.user, pk)
        if not permissions.can_run_source(request.user, source):
            raise deny("Seul un administrateur peut interroger cette source.")
        run = services.source_run_request(source=source, actor=request.user)
        tasks.source_poll_enqueue(source_id=source.pk, run_id=run.pk)
        return Response(
            self.OutputSerializer({"run_id": run.pk, "status": run.status}).data,
            status=status.HTTP_202_ACCEPTED,
        )
