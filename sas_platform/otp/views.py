"""Pages of the second factor: enrolment (QR code, first code, recovery codes) and verification."""

from __future__ import annotations

import base64

import django_otp
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from dsfr.forms import DsfrBaseForm

from sas_platform.otp import services
from sas_platform.otp.demo import is_demo_device
from sas_platform.otp.policies import session_is_strong
from sas_platform.otp.qr import qr_svg


class CodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code à usage unique",
        help_text="Les 6 chiffres affichés par votre application, ou un code de secours.",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), then confirm with a first code. A user who already has
    a device must pass it first: re-enrolling is no way around the second factor."""
    if services.has_confirmed_device(user=request.user) and not session_is_strong(
        user=request.user, session=request.session
    ):
        return redirect(f"{resolve_url('otp-verify')}?{urlencode({'next': _next_url(request)})}")
    device = services.totp_pending_device(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol_confirm(user=request.user, token=form.cleaned_data["code"])
        except services.OtpError as exc:
            form.add_error("code", str(exc))
        else:
            confirmed = TOTPDevice.objects.get(pk=device.pk)
            django_otp.login(request, confirmed)
            return render(
                request,
                "sas_platform/otp/recovery_codes.html",
                {"title": "Codes de secours", "codes": codes, "next": _next_url(request)},
            )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "sas_platform/otp/enrol.html",
        {
            "title": "Activer la double authentification",
            "form": form,
            "qr": qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of the sign-in: a TOTP code or a recovery code."""
    if not services.has_confirmed_device(user=request.user):
        return redirect("otp-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(user=request.user, token=form.cleaned_data["code"])
        except services.OtpError as exc:
            form.add_error("code", str(exc))
        else:
            django_otp.login(request, device)
            request.session.cycle_key()
            return redirect(_next_url(request))
    return render(
        request,
        "sas_platform/otp/verify.html",
        {
            "title": "Double authentification",
            "form": form,
            "next": _next_url(request),
            "demo_code": _demo_code(request.user),
        },
    )


@never_cache
@login_required
def recovery_renew(request: HttpRequest) -> HttpResponse:
    """« Mon compte » → new recovery codes, after a current code: lost codes, or all used."""
    if not services.has_confirmed_device(user=request.user):
        return redirect("otp-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.recovery_codes_renew_verified(user=request.user, token=form.cleaned_data["code"])
        except services.OtpError as exc:
            form.add_error("code", str(exc))
        else:
            return render(
                request,
                "sas_platform/otp/recovery_codes.html",
                {
                    "title": "Codes de secours",
                    "codes": codes,
                    "next": resolve_url("account"),
                    "renewed": True,
                },
            )
    return render(
        request,
        "sas_platform/otp/recovery_renew.html",
        {
            "title": "Renouveler mes codes de secours",
            "form": form,
            "left": services.recovery_codes_left(user=request.user),
        },
    )


def _demo_code(user) -> str:
    """Demo mode only, demo secret only: the current code (README, "Double authentification")."""
    if not settings.DEMO_MODE:
        return ""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not is_demo_device(device):
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
