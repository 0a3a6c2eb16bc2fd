"""Directory import runs: upload, list, detail (issue 3)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cpts import permissions
from cpts.api.apis.common import (
    deny,
)
from cpts.enums import ImportKind
from cpts.imports import import_run_create_from_upload
from cpts.models import ImportRun
from cpts.tasks import import_run_enqueue
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.pagination import PageNumberPagination, paginated


class ImportRunOutputSerializer(serializers.ModelSerializer):
    progress_percent = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "status",
            "file_name",
            "file_format",
            "created_at",
            "started_at",
            "finished_at",
            "progress_done",
            "progress_total",
            "progress_percent",
            "read",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "full_extract",
            "deactivated",
            "rejections",
            "error",
        ]

    def get_progress_percent(self, obj) -> int | None:
        if not obj.progress_total:
            return None
        return min(100, round(100 * obj.progress_done / obj.progress_total))


class ImportRunCreateApi(APIView):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ImportKind.choices)
        file = serializers.FileField()
        full_extract = serializers.BooleanField(
            default=False,
            help_text="RPPS : extraction complète ; les lieux d'exercice absents du fichier sont marqués inactifs.",
        )

    @extend_schema(
        summary="Lancer un import de l'annuaire",
        description="Extraction RPPS / Pro Santé Connect (kind=rpps) ou ressources FHIR (kind=fhir). "
        "L'import s'exécute en tâche de fond ; suivez-le avec GET /import-runs/{id}/.",
        request={"multipart/form-data": InputSerializer},
        responses={202: ImportRunOutputSerializer, 403: ErrorSerializer},
    )
    def post(self, request):
        if not permissions.can_import_directory(request.user):
            raise deny()
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = import_run_create_from_upload(
            kind=serializer.validated_data["kind"],
            uploaded_file=serializer.validated_data["file"],
            actor=request.user,
            full_extract=serializer.validated_data["full_extract"],
        )
        import_run_enqueue(run_id=run.pk)
        return Response(ImportRunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ImportRunListApi(APIView):
    @extend_schema(
        summary="Imports de l'annuaire",
        responses={200: paginated(ImportRunOutputSerializer, "PaginatedImportRunList")},
        operation_id="import_runs_list",
    )
    def get(self, request):
        if not permissions.can_import_directory(request.user):
            raise deny()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(ImportRun.objects.order_by("-created_at"), request, view=self)
        return paginator.get_paginated_response(ImportRunOutputSerializer(page, many=True).data)


class ImportRunDetailApi(APIView):
    @extend_schema(summary="Progression et rapport d'un import", responses={200: ImportRunOutputSerializer})
    def get(self, request, pk: int):
        if not permissions.can_import_directory(request.user):
            raise deny()
        return Response(ImportRunOutputSerializer(get_object_or_404(ImportRun, pk=pk)).data)
