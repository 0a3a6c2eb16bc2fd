"""The API's JSON parser: DRF's, with a bounded nesting depth (issue 13, probe finding 4)."""

from __future__ import annotations

import codecs

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from sas_platform.jsonsafe import json_loads_bounded


class BoundedJSONParser(JSONParser):
    """A body nested too deeply (or unreadable) is a 400 ``parse_error``, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read() if stream is not None else b""
            return json_loads_bounded(codecs.decode(raw, encoding))
        except ValueError as exc:
            raise ParseError("Requête mal formée.") from exc
