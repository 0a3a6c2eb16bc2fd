"""The demo agenda editor: a small standalone web app (standard library only).

- ``GET /fhir/Slot?...``: the guide's slot search (INT_R01), answering searchset bundles with
  ``next`` links (``_count`` slots per page, 500 by default); 1 to 25 professionals per request.
- ``GET /rdv/<rpps>?creneau=<id>&origin=sas``: the booking page the SAS redirects to.
- ``POST /rdv/<rpps>``: book; then the appointment feedback (INT_R03) ``POST [PLATFORM]/Appointment``;
  ``POST /rdv/annuler``: cancel, ``PUT [PLATFORM]/Appointment?identifier=...``. A 404 or an
  unreachable platform is shown and tolerated.
- ``POST /fhir/Practitioner``, ``PUT /fhir/Practitioner?identifier=``: the SAS's regulator accounts
  (INT_R02, :mod:`demo_editor.regulators`); only an active regulator account, in a session that
  arrived with ``origin=sas``, may book.
- ``GET /healthz``.

Configuration (environment): ``DEMO_EDITOR_PORT`` (8100), ``DEMO_EDITOR_PUBLIC_URL``,
``PLATFORM_URL`` (http://127.0.0.1:8000), ``DEMO_EDITOR_TOKEN`` (the source's feedback token),
``DEMO_EDITOR_PAGE_SIZE`` (500), ``DEMO_EDITOR_NOW`` (an ISO instant: the agendas' clock, frozen,
so that two polls see exactly the same free slots; benchmarks and support use it).
"""

from __future__ import annotations

import html
import json
import os
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from demo_editor.agenda import PARIS, PRACTITIONER_SYSTEM, free_slots, profile, searchset, slot_by_id
from demo_editor.feedback import APPOINTMENT_SYSTEM, appointment_resource, send_feedback  # noqa: F401
from demo_editor.regulators import RegulatorAccounts, RegulatorError

MAX_IDENTIFIERS = 25


class EditorState:
    """Bookings made through the booking page (in memory: the demo editor restarts clean)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bookings: dict[str, dict] = {}  # slot id → {"appointment_id", "patient", "status"}
        self.regulators = RegulatorAccounts()

    def booked_ids(self) -> set[str]:
        with self.lock:
            return {slot_id for slot_id, b in self.bookings.items() if b["status"] == "booked"}


def operation_outcome(text: str, code: str = "invalid") -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


def _parse_instant(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)


PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;color:#161616}}
.box{{border:1px solid #ddd;padding:1rem;margin:1rem 0}} .sas{{background:#e3e3fd;padding:.5rem}}
button{{background:#000091;color:#fff;border:0;padding:.6rem 1rem;cursor:pointer}}</style></head>
<body><p><strong>Agenda Démo</strong> — éditeur de démonstration (SAS 13)</p><h1>{title}</h1>{body}</body></html>"""


class EditorHandler(BaseHTTPRequestHandler):
    server_version = "DemoEditor/1.0"
    state: EditorState
    config: dict

    def log_message(self, format, *args):  # quieter than the default, still in the log file
        if self.config.get("verbose"):
            super().log_message(format, *args)

    # -- helpers ----------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
        self._send(
            status,
            json.dumps(payload, ensure_ascii=False).encode(),
            "application/fhir+json; charset=utf-8",
            headers,
        )

    def _body_json(self) -> object:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            return None

    def _html(self, status: int, title: str, body: str) -> None:
        self._send(
            status, PAGE.format(title=html.escape(title), body=body).encode(), "text/html; charset=utf-8"
        )

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        return dict(parse_qsl(self.rfile.read(length).decode()))

    # -- routes -----------------------------------------------------------------------------------
    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/healthz":
            return self._send(200, b'{"status": "ok"}', "application/json")
        if parts.path.rstrip("/") == "/fhir/Slot":
            return self._slot_search(parts.query)
        if parts.path.startswith("/rdv/"):
            return self._booking_page(parts.path.removeprefix("/rdv/"), dict(parse_qsl(parts.query)))
        if parts.path == "/":
            return self._html(
                200,
                "Agenda Démo",
                f"<p>{len(self.state.bookings)} rendez-vous pris depuis le démarrage.</p>"
                f"<p>{len(self.state.regulators.active_accounts())} compte(s) régulateur actif(s) reçu(s) du SAS.</p>",
            )
        return self._json(404, operation_outcome("Ressource inconnue.", "not-found"))

    def do_POST(self):
        path = urlsplit(self.path).path
        if path.rstrip("/") == "/fhir/Practitioner":
            return self._practitioner(lambda body: self.state.regulators.create(body))
        if path == "/rdv/annuler":
            return self._cancel(self._form())
        if path.startswith("/rdv/"):
            return self._book(path.removeprefix("/rdv/"), self._form())
        return self._json(404, operation_outcome("Ressource inconnue.", "not-found"))

    def do_PUT(self):
        parts = urlsplit(self.path)
        if parts.path.rstrip("/") == "/fhir/Practitioner":
            identifier = dict(parse_qsl(parts.query)).get("identifier", "")
            return self._practitioner(lambda body: self.state.regulators.update(identifier, body))
        return self._json(404, operation_outcome("Ressource inconnue.", "not-found"))

    def _practitioner(self, action) -> None:
        """INT_R02: create or update a regulator account; OperationOutcome on 400/422."""
        try:
            status, account_id = action(self._body_json())
        except RegulatorError as exc:
            code = "invalid" if exc.status == 400 else "business-rule"
            return self._json(exc.status, operation_outcome(str(exc), code))
        location = f"{self.config['public_url'].rstrip('/')}/fhir/Practitioner/{account_id}"
        return self._json(status, {"resourceType": "Practitioner", "id": account_id}, {"Location": location})

    def _slot_search(self, query: str) -> None:
        params = parse_qsl(query, keep_blank_values=True)
        starts = [v for k, v in params if k == "start"]
        ge = next((_parse_instant(v[2:]) for v in starts if v.startswith("ge")), None)
        le = next((_parse_instant(v[2:]) for v in starts if v.startswith("le")), None)
        if ge is None or le is None:
            return self._json(400, operation_outcome("Paramètres start=ge… et start=le… obligatoires."))
        if dict(params).get("status", "free") != "free":
            return self._json(400, operation_outcome("Seul status=free est pris en charge."))
        raw = ",".join(v for k, v in params if k == "schedule.actor:Practitioner.identifier")
        identifiers = [item.strip() for item in raw.split(",") if item.strip()]
        if not identifiers or len(identifiers) > MAX_IDENTIFIERS:
            return self._json(400, operation_outcome("Entre 1 et 25 identifiants de professionnels."))
        rpps_list = []
        for item in identifiers:
            system, _, value = item.rpartition("|")
            if system and system != PRACTITIONER_SYSTEM:
                continue
            value = value[1:] if len(value) == 12 and value.startswith("8") else value
            if value.isdigit() and len(value) == 11:
                rpps_list.append(value)
        now = self.config["clock"]()
        booked = self.state.booked_ids()
        slots = [s for rpps in rpps_list for s in free_slots(rpps, ge, le, now=now, booked=booked)]
        count = int(dict(params).get("_count") or self.config.get("page_size", 500))
        page = int(dict(params).get("_page") or 0)
        base = self.config["public_url"].rstrip("/") + "/fhir"
        self_url = f"{base}/Slot?{query}"
        next_url = None
        if (page + 1) * count < len(slots):
            others = [(k, v) for k, v in params if k != "_page"]
            next_url = f"{base}/Slot?{urlencode([*others, ('_page', str(page + 1))])}"
        bundle = searchset(
            slots[page * count : (page + 1) * count],
            base_url=base,
            booking_base=self.config["public_url"].rstrip("/"),
            self_url=self_url,
            next_url=next_url,
            total=len(slots),
        )
        return self._json(200, bundle)

    def _booking_page(self, rpps: str, query: dict) -> None:
        slot = slot_by_id(query.get("creneau", ""))
        if slot is None or slot.rpps != rpps:
            return self._html(404, "Créneau introuvable", "<p>Ce créneau n'existe pas.</p>")
        prof = profile(rpps)
        when = slot.start.strftime("%d/%m/%Y à %H:%M")
        from_sas = query.get("origin") == "sas"
        banner = (
            '<p class="sas">Connexion depuis le SAS (origin=sas) : habilitation régulateur active.</p>'
            if from_sas
            else "<p>Accès hors SAS : l'habilitation régulateur n'est pas disponible.</p>"
        )
        booking = self.state.bookings.get(slot.id)
        if booking and booking["status"] == "booked":
            return self._html(
                409, "Créneau déjà pris", f"{banner}<p>Ce créneau du {when} vient d'être pris.</p>"
            )
        form = self._booking_form(rpps, slot)
        body = (
            f"{banner}<div class=box><p>Dr {html.escape(prof.given)} {html.escape(prof.family.upper())}</p>"
            f"<p>Créneau du {when} ({slot.end:%H:%M}) — {', '.join(slot.modalities)}</p></div>"
            f"{form if from_sas else ''}"
        )
        return self._html(200, "Prendre rendez-vous", body)

    def _booking_form(self, rpps: str, slot) -> str:
        """The SAS session's form: the regulator accounts the SAS provisioned (INT_R02), active only."""
        accounts = self.state.regulators.active_accounts()
        if not accounts:
            return (
                "<p data-no-account>Aucun compte régulateur habilité : la plateforme SAS n'a encore "
                "transmis aucun compte actif à cet éditeur.</p>"
            )
        options = "".join(
            f'<option value="{html.escape(key)}">{html.escape(a["name"][0]["given"][0])} '
            f"{html.escape(a['name'][0]['family'].upper())}</option>"
            for a in accounts
            for key in [f"{a['identifier'][0]['system']}|{a['identifier'][0]['value']}"]
        )
        return (
            f'<form method="post" action="/rdv/{html.escape(rpps)}">'
            f'<input type="hidden" name="creneau" value="{html.escape(slot.id)}">'
            '<input type="hidden" name="origin" value="sas">'
            '<p><label>Patient <input name="patient" required></label></p>'
            f'<p><label>Compte régulateur <select name="operator">{options}</select></label></p>'
            "<button type=submit>Confirmer le rendez-vous</button></form>"
        )

    def _book(self, rpps: str, form: dict) -> None:
        slot = slot_by_id(form.get("creneau", ""))
        if slot is None or slot.rpps != rpps:
            return self._html(404, "Créneau introuvable", "<p>Ce créneau n'existe pas.</p>")
        if form.get("origin") != "sas" or not self.state.regulators.is_active(form.get("operator", "")):
            return self._html(
                403,
                "Réservation refusée",
                "<p>Seul un compte régulateur actif, dans une session ouverte depuis le SAS "
                "(origin=sas), peut réserver ce créneau.</p>",
            )
        with self.state.lock:
            current = self.state.bookings.get(slot.id)
            if current and current["status"] == "booked":
                return self._html(409, "Créneau déjà pris", "<p>Ce créneau vient d'être pris.</p>")
            appointment_id = str(uuid.uuid4())
            self.state.bookings[slot.id] = {
                "appointment_id": appointment_id,
                "patient": form.get("patient", ""),
                "operator": form.get("operator", ""),
                "status": "booked",
            }
        feedback = send_feedback(
            platform_url=self.config["platform_url"],
            token=self.config["token"],
            method="POST",
            appointment=appointment_resource(
                appointment_id=appointment_id, slot=slot, status="booked", operator=form.get("operator", "")
            ),
        )
        body = (
            f"<p>Rendez-vous confirmé le {slot.start:%d/%m/%Y à %H:%M}.</p><p data-feedback>{html.escape(feedback)}</p>"
            f'<form method="post" action="/rdv/annuler"><input type="hidden" name="creneau" value="{html.escape(slot.id)}">'
            "<button type=submit>Annuler ce rendez-vous</button></form>"
        )
        return self._html(201, "Rendez-vous confirmé", body)

    def _cancel(self, form: dict) -> None:
        slot = slot_by_id(form.get("creneau", ""))
        with self.state.lock:
            booking = self.state.bookings.get(form.get("creneau", ""))
            if slot is None or not booking or booking["status"] != "booked":
                return self._html(404, "Rendez-vous introuvable", "<p>Aucun rendez-vous sur ce créneau.</p>")
            booking["status"] = "cancelled"
        feedback = send_feedback(
            platform_url=self.config["platform_url"],
            token=self.config["token"],
            method="PUT",
            appointment=appointment_resource(
                appointment_id=booking["appointment_id"],
                slot=slot,
                status="cancelled",
                operator=booking["operator"],
            ),
        )
        return self._html(200, "Rendez-vous annulé", f"<p data-feedback>{html.escape(feedback)}</p>")


def make_server(
    *,
    host: str = "127.0.0.1",
    port: int = 8100,
    platform_url: str = "http://127.0.0.1:8000",
    token: str = "",
    public_url: str = "",
    page_size: int = 500,
    frozen_now: datetime | None = None,
) -> ThreadingHTTPServer:
    """A ready server (port 0: an ephemeral port; read it from ``server.server_address``).
    ``frozen_now``: the agendas' clock stops there (default: the real clock)."""
    handler = type("BoundEditorHandler", (EditorHandler,), {"state": EditorState(), "config": {}})
    server = ThreadingHTTPServer((host, port), handler)
    handler.config.update(
        platform_url=platform_url,
        token=token,
        public_url=public_url or f"http://{host}:{server.server_address[1]}",
        page_size=page_size,
        clock=(lambda: frozen_now.astimezone(PARIS)) if frozen_now else (lambda: datetime.now(PARIS)),
        verbose=bool(os.environ.get("DEMO_EDITOR_VERBOSE")),
    )
    server.daemon_threads = True
    return server


def _frozen_now(value: str) -> datetime | None:
    """``DEMO_EDITOR_NOW``: an ISO instant with its offset, or empty for the real clock."""
    if not value:
        return None
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise SystemExit(f"DEMO_EDITOR_NOW : instant sans fuseau horaire ({value!r}).")
    return instant


def main() -> None:
    port = int(os.environ.get("DEMO_EDITOR_PORT", "8100"))
    server = make_server(
        port=port,
        platform_url=os.environ.get("PLATFORM_URL", "http://127.0.0.1:8000"),
        token=os.environ.get("DEMO_EDITOR_TOKEN", "demo-editeur-sas13"),
        public_url=os.environ.get("DEMO_EDITOR_PUBLIC_URL", ""),
        page_size=int(os.environ.get("DEMO_EDITOR_PAGE_SIZE", "500")),
        frozen_now=_frozen_now(os.environ.get("DEMO_EDITOR_NOW", "")),
    )
    print(f"Agenda Démo : http://127.0.0.1:{port}/ (recherche FHIR sur /fhir/Slot)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
