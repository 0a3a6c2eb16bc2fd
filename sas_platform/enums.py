"""Enumerations of the shared kernel."""

from django.db import models


class Role(models.TextChoices):
    """Roles of the platform (DOMAIN.md §2). Each is a Django group named by its codename.

    Roles are a set, never an order: a user may hold several, and no role implies another.
    """

    ARM = "arm", "ARM (assistant de régulation médicale)"
    REGULATEUR = "regulateur", "Médecin régulateur"
    OSNP = "osnp", "OSNP (opérateur de soins non programmés)"
    EFFECTEUR = "effecteur", "Effecteur (médecin ou délégataire)"
    COORDINATEUR_STRUCTURE = "coordinateur_structure", "Coordinateur de structure (CPTS, MSP, CDS, SOS)"
    AGENT_CPAM = "agent_cpam", "Agent CPAM"
    AGENT_ARS = "agent_ars", "Agent ARS"
    ADMIN_SAS = "admin_sas", "Administrateur SAS"
    ADMIN_PLATEFORME = "admin_plateforme", "Administrateur de la plateforme"


#: Roles that work a SAS's regulation desk.
REGULATION_ROLES = frozenset({Role.ARM, Role.REGULATEUR, Role.OSNP})


class CommuneType(models.TextChoices):
    """INSEE kinds of communes found in ``data/geo/communes.csv``."""

    COMMUNE = "COM", "Commune"
    ARRONDISSEMENT = "ARM", "Arrondissement municipal"


class AuditEventType(models.TextChoices):
    """Audit events of the shared kernel. Apps declare their own in ``<app>/events.py``.

    The stored value is ``<app>.<event>``; :func:`sas_platform.events.audit_event_write`
    accepts any ``TextChoices`` member whose value has that shape.
    """

    USER_LOGGED_IN = "platform.user_logged_in", "Connexion"
    USER_LOGGED_OUT = "platform.user_logged_out", "Déconnexion"
    USER_LOGIN_FAILED = "platform.user_login_failed", "Échec de connexion"
    USER_ROLES_CHANGED = "platform.user_roles_changed", "Rôles modifiés"
    USER_TERRITORIES_CHANGED = "platform.user_territories_changed", "Territoires modifiés"
    USER_CREATED = "platform.user_created", "Compte créé"
    GEOGRAPHY_LOADED = "platform.geography_loaded", "Référentiel géographique chargé"


class AccessPurpose(models.TextChoices):
    """Why patient data was read (DOMAIN.md §8)."""

    VIEW = "view", "Consultation"
    LIST = "list", "Liste"
    EXPORT = "export", "Export"
    API = "api", "API"
