"""OpenAPI schema generation: unique component names for nested Input/Output serializers, and the
error answers every operation may give, documented (issue 13, finding 11)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

#: Error statuses any authenticated operation may answer, in the one error shape.
COMMON_ERRORS = {
    "400": "Requête invalide (données, paramètres ou corps JSON illisible).",
    "401": "Authentification requise, ou jeton invalide ou expiré.",
    "403": "Droit insuffisant, ou objet hors de vos territoires.",
    "404": "Ressource introuvable.",
    "405": "Méthode non autorisée.",
    "429": "Trop de tentatives : réessayez plus tard.",
}


class AutoSchema(SpectacularAutoSchema):
    """Name a nested ``MeApi.OutputSerializer`` component ``MeOutput`` (not just ``Output``)."""

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        klass = serializer if isinstance(serializer, type) else type(serializer)
        parts = klass.__qualname__.split(".")
        if len(parts) > 1 and name.startswith(("Input", "Output", "Filter")):
            return parts[0].removesuffix("Api") + name
        return name

    def _get_response_bodies(self, direction="response"):
        from sas_platform.api.apis import ErrorSerializer

        responses = super()._get_response_bodies(direction=direction)
        if direction != "response":
            return responses
        for code, description in COMMON_ERRORS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses
