"""What each role sees first on the home page.

A section per role the user holds: a title, what the role does here, the next step and
the links that exist. Apps enrich these sections as their pages land: an app adds its pages to a
role's section by registering a navigation entry with ``home=True`` (:mod:`sas_platform.navigation`;
the links named here are the kernel's own), and registers a
*status provider* for a role (``register_status``) in its ``AppConfig.ready()``; the provider
reads the app's own selectors (the ones behind the page the section links to, with the same user
scoping), so the home never says "nothing pending" over a full page. The kernel imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from sas_platform import navigation
from sas_platform.enums import Role
from sas_platform.navigation import HomeStatus, register_status, status_for


@dataclass(frozen=True)
class HomeLink:
    label: str
    url_name: str


@dataclass(frozen=True)
class HomeSection:
    role: str
    title: str
    intro: str
    empty_state: str
    links: tuple[HomeLink, ...] = field(default_factory=tuple)


SECTIONS: dict[str, HomeSection] = {
    Role.ARM: HomeSection(
        Role.ARM,
        "Prise d'appel",
        "Vous décrochez les appels du SAS, qualifiez la demande et orientez vers l'AMU ou la médecine générale.",
        "Aucun appel en cours. Quand un patient appelle, ouvrez un dossier depuis la prise d'appel.",
    ),
    Role.REGULATEUR: HomeSection(
        Role.REGULATEUR,
        "Régulation de médecine générale",
        "Vous prenez la décision médicale pour les dossiers orientés vers la médecine générale.",
        "Aucun dossier n'attend de décision. Les dossiers orientés par les ARM apparaîtront ici.",
    ),
    Role.OSNP: HomeSection(
        Role.OSNP,
        "Orientation des patients",
        "Vous exécutez la décision du régulateur : médecin traitant, créneau dans les 48 h ou surnuméraire.",
        "Aucune orientation en attente. Les dossiers régulés apparaîtront ici.",
    ),
    Role.EFFECTEUR: HomeSection(
        Role.EFFECTEUR,
        "Ma participation au SAS",
        "Vous recevez des patients orientés par le SAS, sur vos créneaux ou en surnuméraire.",
        "Vous n'avez pas encore déclaré votre participation. Déclarez « je participe au SAS » "
        "et rendez visibles au moins 2 heures de disponibilité par semaine.",
    ),
    Role.COORDINATEUR_STRUCTURE: HomeSection(
        Role.COORDINATEUR_STRUCTURE,
        "Ma structure",
        "Vous gérez les membres de votre structure, leur participation et les demandes du SAS.",
        "Aucune demande du SAS en attente. Vérifiez que vos membres et vos coordonnées sont à jour.",
    ),
    Role.AGENT_CPAM: HomeSection(
        Role.AGENT_CPAM,
        "Rémunérations",
        "Vous exportez et payez les bordereaux du SAS : heures de régulation, majorations SNP/MRT, "
        "indicateurs 8 et 9, missions ACI.",
        "Aucun bordereau à exporter ni à payer : ils arrivent ici une fois validés par l'ARS.",
        (HomeLink("Bordereaux", "remuneration:bordereaux"),),
    ),
    Role.AGENT_ARS: HomeSection(
        Role.AGENT_ARS,
        "Pilotage du territoire",
        "Vous validez les heures de régulation et suivez l'activité du SAS de votre territoire.",
        "Aucun bordereau à valider pour le moment.",
        (HomeLink("Bordereaux à valider", "remuneration:bordereaux"),),
    ),
    Role.ADMIN_SAS: HomeSection(
        Role.ADMIN_SAS,
        "Administration du SAS",
        "Vous suivez l'activité, les sources d'agenda, les structures et les gardes de votre SAS.",
        "Retrouvez le tableau de bord, les sources d'agenda et les gardes dans le menu.",
    ),
    Role.ADMIN_PLATEFORME: HomeSection(
        Role.ADMIN_PLATEFORME,
        "Administration de la plateforme",
        "Vous gérez les territoires, les référentiels, les tâches planifiées et la santé de la plateforme.",
        "Surveillez l'état des services et les tâches planifiées.",
        (
            HomeLink("Administration", "admin:index"),
            HomeLink("Tâches planifiées", "admin:django_celery_beat_periodictask_changelist"),
            HomeLink("Documentation de l'API", "swagger-ui"),
        ),
    ),
}


def home_sections_for(user) -> list[dict]:
    """Sections for the roles the user holds, in the order of :class:`Role`."""
    sections = []
    for role in Role:
        if role.value not in user.role_codes:
            continue
        section = SECTIONS[role]
        links = []
        registered = [HomeLink(label, url_name) for label, url_name in navigation.home_links_for(role)]
        for link in (*registered, *section.links):
            try:
                links.append({"label": link.label, "url": reverse(link.url_name)})
            except NoReverseMatch:
                continue
        status = status_for(role, user)
        if status is not None and status.count == 0:
            status = None  # nothing pending: the section's empty state says what to do next
        sections.append(
            {
                "role": role.value,
                "role_label": role.label,
                "title": section.title,
                "intro": section.intro,
                "empty_state": section.empty_state,
                "status": status,
                "links": links,
            }
        )
    return sections


__all__ = [
    "SECTIONS",
    "HomeLink",
    "HomeSection",
    "HomeStatus",
    "home_sections_for",
    "register_status",
    "status_for",
]
