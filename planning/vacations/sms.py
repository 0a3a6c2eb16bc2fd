"""SMS backends of the vacation notifications (issue 11 §6): one interface, a console backend
(logs), a file backend (one JSON line per message: the demo and the tests) and an adapter for an
HTTP SMS provider (``POST {"to", "text", "sender"}`` with a bearer token, JSON answer with an id).

Chosen by ``SMS_BACKEND`` (``console``, ``file``, ``http``; default ``console``), with ``SMS_FILE``
(default ``var/sms.jsonl``), ``SMS_URL``, ``SMS_TOKEN`` and ``SMS_SENDER`` (Django settings, or
the environment of the same name).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Protocol

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider refused or did not answer; the delivery is recorded as failed."""


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Send one SMS; returns the provider's message id (or a local one)."""


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, "") or default)


class ConsoleSmsBackend:
    def send(self, *, to: str, text: str) -> str:
        logger.info("SMS à %s : %s", to, text)
        return "console"


class FileSmsBackend:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or _setting("SMS_FILE", "var/sms.jsonl"))

    def send(self, *, to: str, text: str) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")
        return f"file:{self.path.name}"


class HttpSmsBackend:
    """Adapter for an HTTP SMS provider (5 s timeout; any non-2xx answer is an error)."""

    def __init__(self, url: str | None = None, token: str | None = None, sender: str | None = None) -> None:
        self.url = url or _setting("SMS_URL")
        self.token = token if token is not None else _setting("SMS_TOKEN")
        self.sender = sender or _setting("SMS_SENDER", "CPTS")
        if not self.url:
            raise SmsError("SMS_URL n'est pas configuré.")

    def send(self, *, to: str, text: str) -> str:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = httpx.post(
                self.url, json={"to": to, "text": text, "sender": self.sender}, headers=headers, timeout=5.0
            )
        except httpx.HTTPError as exc:
            raise SmsError(f"Fournisseur SMS injoignable : {exc.__class__.__name__}.") from exc
        if response.status_code >= 300:
            raise SmsError(f"Fournisseur SMS : réponse {response.status_code}.")
        try:
            return str(response.json().get("id", ""))
        except ValueError:
            return ""


def sms_backend() -> SmsBackend:
    kind = _setting("SMS_BACKEND", "console")
    if kind == "file":
        return FileSmsBackend()
    if kind == "http":
        return HttpSmsBackend()
    return ConsoleSmsBackend()
