"""API of `cpts` (HackSoft style: one class per operation, nested Input/Output serializers).

Every list is scoped by the caller's territories and roles (selectors); every object goes
through a ``cpts.permissions`` function. Objects outside the caller's scope answer 404.

A package by theme: ``professionals``, ``structures``, ``participations``, ``import_runs``;
``common`` holds what they share.
"""

from cpts.api.apis.import_runs import (
    ImportRunCreateApi,
    ImportRunDetailApi,
    ImportRunListApi,
    ImportRunOutputSerializer,
)
from cpts.api.apis.participations import ParticipationCloseApi, ParticipationCreateApi
from cpts.api.apis.professionals import ProfessionalDetailApi, ProfessionalSearchApi
from cpts.api.apis.structures import CptsDetailApi, CptsListApi, StructureListApi

__all__ = [
    "CptsDetailApi",
    "CptsListApi",
    "ImportRunCreateApi",
    "ImportRunDetailApi",
    "ImportRunListApi",
    "ImportRunOutputSerializer",
    "ParticipationCloseApi",
    "ParticipationCreateApi",
    "ProfessionalDetailApi",
    "ProfessionalSearchApi",
    "StructureListApi",
]
