"""OpenAPI schema generation: unique component names for nested Input/Output serializers."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """Name a nested ``MeApi.OutputSerializer`` component ``MeOutput`` (not just ``Output``)."""

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        klass = serializer if isinstance(serializer, type) else type(serializer)
        parts = klass.__qualname__.split(".")
        if len(parts) > 1 and name.startswith(("Input", "Output", "Filter")):
            return parts[0].removesuffix("Api") + name
        return name
