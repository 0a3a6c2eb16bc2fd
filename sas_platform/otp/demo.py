"""The demo's second factor: demo accounts that need one are pre-enrolled with a published secret.

Demo mode only (``seed_demo`` refuses to run otherwise). The secret is in the README; the
verification page of a demo account shows the current code in demo mode, so that ``make run``
users sign in without an authenticator app.
"""

from __future__ import annotations

import base64
import random

from django_otp.plugins.otp_totp.models import TOTPDevice

from sas_platform.models import User
from sas_platform.otp.policies import otp_required
from sas_platform.otp.services import TOTP_NAME, recovery_codes_renew

#: Base32 ``JBSWY3DPEHPK3PXPDEMOSASBDRSAS2AA`` (README); stored by django-otp as hex.
DEMO_TOTP_BASE32 = "JBSWY3DPEHPK3PXPDEMOSASBDRSAS2AA"
DEMO_TOTP_KEY = base64.b32decode(DEMO_TOTP_BASE32).hex()
DEMO_DOMAIN = "@demo.sas"


def is_demo_device(device) -> bool:
    return isinstance(device, TOTPDevice) and device.key == DEMO_TOTP_KEY


def seed_otp_demo(rng: random.Random) -> dict:
    """Pre-enrol every demo account whose role needs a second factor (idempotent)."""
    enrolled = 0
    for user in User.objects.filter(email__endswith=DEMO_DOMAIN).prefetch_related("groups"):
        if not otp_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=DEMO_TOTP_KEY, confirmed=True)
        recovery_codes_renew(user=user)
        enrolled += 1
    return {"otp_enrolled": enrolled}
