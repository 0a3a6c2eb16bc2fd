"""Template context shared by every page: platform name, demo flag, navigation."""

from django.conf import settings

from sas_platform import navigation


def platform(request):
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "PSC_ENABLED": settings.PSC_ENABLED,
        "nav_items": navigation.items_for(user) if user is not None else [],
    }
