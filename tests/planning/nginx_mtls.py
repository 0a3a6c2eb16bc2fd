"""A real nginx in front of Django's live server, with a test PKI, for the mutual TLS tests (issue 14).

:func:`make_pki` writes, with ``cryptography``: a test CA (standing for IGC-Santé), the server's
certificate for 127.0.0.1, client certificates (valid, wrong CN, wrong OU, revoked, from another CA)
and the CA's CRL listing the revoked one. :func:`nginx_running` renders the deployment's own
template (``deploy/nginx/sas-mtls.conf.template``) with those files, starts ``nginx`` on free ports
of 127.0.0.1 in a temporary prefix (``daemon off``, ``master_process off``: one process, stopped by
its pid) and waits for it to listen.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "sas-mtls.conf.template"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
)

# The national platform's certificate as the guide's annex describes it (IGC-Santé, server/client
# "personne morale"); the wrong ones change only the CN or only the OU.
NATIONAL_CN, NATIONAL_OU = "plateforme-nationale.sas.sante.fr", "Plateforme numérique SAS"


def _name(cn: str, ou: str, o: str = "Agence du Numérique en Santé") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, o),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _write(directory: Path, stem: str, cert: x509.Certificate, key) -> tuple[Path, Path]:
    cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Pki:
    directory: Path
    ca: Path
    crl: Path
    server: tuple[Path, Path]
    clients: dict[str, tuple[Path, Path]]  # valid, bad_cn, bad_ou, revoked, other_ca

    def pem(self, which: str) -> str:
        return self.clients[which][0].read_text()


def _issue(subject, issuer, public_key, signing_key, *, ca=False, server=False, serial=None):
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
    return builder.sign(signing_key, hashes.SHA256())


def make_pki(directory: Path) -> Pki:
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("AC TEST IGC-Santé Personnes Morales", "IGC-SANTE TEST")
    ca_cert = _issue(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    ca_path, _ = _write(directory, "ca", ca_cert, ca_key)

    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _write(
        directory,
        "server",
        _issue(
            _name("127.0.0.1", "Plateforme SAS & CPTS"), ca_name, server_key.public_key(), ca_key, server=True
        ),
        server_key,
    )
    clients, revoked_serial = {}, None
    for stem, cn, ou in (
        ("valid", NATIONAL_CN, NATIONAL_OU),
        ("bad_cn", "mauvais-nom.example.fr", NATIONAL_OU),
        ("bad_ou", NATIONAL_CN, "Autre service"),
        ("revoked", NATIONAL_CN, NATIONAL_OU),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _issue(_name(cn, ou), ca_name, key.public_key(), ca_key)
        revoked_serial = cert.serial_number if stem == "revoked" else revoked_serial
        clients[stem] = _write(directory, f"client-{stem}", cert, key)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_name = _name("Autre AC", "Inconnue")
    clients["other_ca"] = _write(
        directory,
        "client-other-ca",
        _issue(_name(NATIONAL_CN, NATIONAL_OU), other_name, other_key.public_key(), other_key),
        other_key,
    )
    now = dt.datetime.now(dt.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_name)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=1))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(revoked_serial).revocation_date(now).build()
        )
        .sign(ca_key, hashes.SHA256())
    )
    crl_path = directory / "ca.crl.pem"
    crl_path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    return Pki(directory, ca_path, crl_path, server, clients)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render_template(values: dict[str, str]) -> str:
    """``${NAME}`` of the template replaced (like envsubst restricted to these names)."""
    return re.sub(r"\$\{([A-Z0-9_]+)\}", lambda m: values.get(m.group(1), m.group(0)), TEMPLATE.read_text())


@dataclass
class Nginx:
    https_port: int
    mtls_port: int
    prefix: Path

    @property
    def mtls_url(self) -> str:
        return f"https://127.0.0.1:{self.mtls_port}"

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text() if path.exists() else ""


@contextlib.contextmanager
def nginx_running(prefix: Path, *, pki: Pki, upstream: str, secret: str):
    prefix.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(exist_ok=True)
    https_port, mtls_port = free_port(), free_port()
    (prefix / "sas-mtls.conf").write_text(
        render_template(
            {
                "NGINX_HTTPS_PORT": f"127.0.0.1:{https_port}",
                "NGINX_MTLS_PORT": f"127.0.0.1:{mtls_port}",
                "NGINX_TLS_CERT": str(pki.server[0]),
                "NGINX_TLS_KEY": str(pki.server[1]),
                "NGINX_CLIENT_CA": str(pki.ca),
                "NGINX_CLIENT_CRL": str(pki.crl),
                "NGINX_UPSTREAM": upstream,
                "FHIR_MTLS_PROXY_SECRET": secret,
            }
        )
    )
    (prefix / "nginx.conf").write_text(
        f"""daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/sas-mtls.conf;
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Nginx(https_port, mtls_port, prefix)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"nginx s'est arrêté : {process.stderr.read().decode()} {server.error_log()}"
                )
            try:
                socket.create_connection(("127.0.0.1", mtls_port), timeout=0.2).close()
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx n'écoute pas : {server.error_log()}") from None
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tls_context(pki: Pki, client: str | None) -> ssl.SSLContext:
    """Trusts the test CA for the server; presents ``client``'s certificate (or none)."""
    context = ssl.create_default_context(cafile=str(pki.ca))
    if client is not None:
        cert, key = pki.clients[client]
        context.load_cert_chain(str(cert), str(key))
    return context
