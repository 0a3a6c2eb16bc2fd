"""Page-number pagination with a bounded, client-chosen page size."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "Page invalide."


def paginated(serializer_class, name: str):
    """The OpenAPI shape of a page (``count``, ``next``, ``previous``, ``results``) of
    ``serializer_class`` items, for views paginating by hand (issue 13, finding 11)."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
