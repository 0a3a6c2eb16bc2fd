"""TOTP codes for the tests, computed like an authenticator app (RFC 6238 via django_otp.oath).

A code is single-use (django-otp keeps ``last_t``): :func:`next_code` gives the code of the first
time step after the last one used, waiting when it lies beyond the accepted drift (one step).
"""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_at(device: TOTPDevice, t: int) -> str:
    """The code of counter ``t`` (what the server compares, drift applied on its side: a device
    that learnt a drift of -1 at enrolment maps the clock's step ``t + 1`` to counter ``t``)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = device.t0 + t * device.step
    return f"{totp.token():0{device.digits}d}"


def next_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    while True:
        now_t = int((time.time() - device.t0) // device.step) + device.drift
        wanted = max(now_t, device.last_t + 1)
        if wanted <= now_t + device.tolerance:
            return code_at(device, wanted)
        time.sleep(1)


def code_for(email: str, *, confirmed: bool = True) -> str:
    device = TOTPDevice.objects.filter(user__email=email, confirmed=confirmed).order_by("-pk").first()
    assert device is not None, f"aucun appareil TOTP pour {email}"
    return next_code(device)
