"""Audit events of the second factor and of Pro Santé Connect (values ``platform.<event>``)."""

from django.db import models


class IdentityEvent(models.TextChoices):
    OTP_ENROLLED = "platform.otp_enrolled", "Double facteur activé"
    OTP_VERIFIED = "platform.otp_verified", "Double facteur vérifié"
    OTP_FAILED = "platform.otp_failed", "Code de double facteur refusé"
    OTP_RECOVERY_USED = "platform.otp_recovery_used", "Code de secours utilisé"
    OTP_RESET = "platform.otp_reset", "Double facteur réinitialisé"
    PSC_LOGIN = "platform.psc_login", "Connexion Pro Santé Connect"
    PSC_REFUSED = "platform.psc_refused", "Connexion Pro Santé Connect refusée"
    PSC_LOGOUT = "platform.psc_logout", "Déconnexion Pro Santé Connect"
    OTP_RECOVERY_RENEWED = "platform.otp_recovery_renewed", "Codes de secours renouvelés"
