"""JSON bodies with a bounded nesting depth (issue 13, probe finding 4).

Python's ``json`` recurses once per ``[`` or ``{``: a 4 KB body of 1,000 brackets raises
``RecursionError`` (an HTTP 500). Every JSON body the platform reads (the API's parser, the FHIR
endpoints) goes through :func:`json_loads_bounded`, which counts the depth first (brackets outside
strings) and refuses anything deeper than ``MAX_JSON_DEPTH``; no legitimate body comes near it
(a FHIR Bundle is about 10 levels deep).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 64

# A string literal (skipped whole) or one structural bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeep(ValueError):
    """The body nests arrays or objects deeper than the limit."""


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``text`` opens more than ``limit`` nested arrays or objects (strings ignored)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def json_loads_bounded(data: str | bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` refusing bodies nested deeper than ``limit`` (:class:`JsonTooDeep`).

    Raises :class:`JsonTooDeep`, ``json.JSONDecodeError`` or ``UnicodeDecodeError`` (all
    ``ValueError``) on a body it cannot read.
    """
    text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    if json_depth_exceeds(text, limit):
        raise JsonTooDeep(f"JSON imbriqué sur plus de {limit} niveaux.")
    try:
        return json.loads(text)
    except RecursionError as exc:  # belt and braces: never a 500
        raise JsonTooDeep("JSON trop imbriqué.") from exc
