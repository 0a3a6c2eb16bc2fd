"""The platform's user: logs in with an e-mail address, acts within territories."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.db.models.functions import Lower

from sas_platform.enums import Role


class EmailUserManager(UserManager):
    """Manager creating users from an e-mail address (no username)."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):  # type: ignore[override]
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):  # type: ignore[override]
        """``createsuperuser``: a superuser is a platform administrator (and the reverse)."""
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra_fields)
        user.groups.add(Group.objects.get_or_create(name=Role.ADMIN_PLATEFORME.value)[0])
        return user

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person using the platform. Roles are Django groups named by :class:`Role` codenames.

    ``territories`` are the SAS territories (départements) the user acts in (DOMAIN.md §2:
    nobody sees another territory's patients). Structures a user coordinates are recorded by
    the ``cpts`` app, which owns structures.
    """

    username = None
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    email = models.EmailField("adresse électronique", unique=True)
    rpps = models.CharField(
        "RPPS", max_length=11, blank=True, help_text="Pour les médecins (régulateurs, effecteurs)."
    )
    territories = models.ManyToManyField(
        "sas_platform.Departement",
        verbose_name="territoires SAS",
        related_name="users",
        blank=True,
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def role_codes(self) -> frozenset[str]:
        """The user's roles, cached on the instance for the request."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            valid = set(Role.values)
            cached = frozenset(name for name in self.groups.values_list("name", flat=True) if name in valid)
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        """True when the user holds at least one of ``roles``."""
        return bool(self.role_codes.intersection(roles))
