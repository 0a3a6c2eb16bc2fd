"""Pages of the shared kernel: home by role, log-in/out, password reset, health, autocomplete."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sas_platform.api.exceptions import error_body
from sas_platform.enums import Role
from sas_platform.health import health_report, worker_last_heartbeat
from sas_platform.login_limits import password_reset_address_allowed, password_reset_target_allowed
from sas_platform.permissions import is_platform_admin
from sas_platform.selectors import communes_search, territories_for_user
from sas_platform.web.forms import LoginForm, ResetRequestForm, ResetSetPasswordForm
from sas_platform.web.home import home_sections_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it needs; empty states say what to do next."""
    user = request.user
    return render(
        request,
        "sas_platform/home.html",
        {
            "title": "Accueil",
            "sections": home_sections_for(user),
            "territories": list(territories_for_user(user=user)),
            # A platform administrator acts everywhere: one line rather than 101 tags.
            "all_territories": is_platform_admin(user),
            "has_role": bool(user.role_codes),
        },
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "sas_platform/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}


@never_cache
@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """« Mon compte »: who I am on the platform (roles, territories) and my second factor (issue 13)."""
    from sas_platform.otp import services as otp_services
    from sas_platform.otp.policies import otp_required

    user = request.user
    return render(
        request,
        "sas_platform/account.html",
        {
            "title": "Mon compte",
            "roles": [Role(code).label for code in sorted(user.role_codes) if code in Role.values],
            "territories": list(territories_for_user(user=user)),
            "all_territories": is_platform_admin(user),
            "otp_active": otp_services.has_confirmed_device(user=user),
            "otp_required": otp_required(user),
            "recovery_left": otp_services.recovery_codes_left(user=user),
            "psc_session": bool(request.session.get("oidc_id_token")),
        },
    )


class LogoutView(auth_views.LogoutView):
    """Sign out; a session opened with Pro Santé Connect is also ended at PSC (OIDC RP-initiated
    logout: ``id_token_hint`` and the way back to the sign-in page), so that the card holder's PSC
    session does not outlive the platform's on a shared workstation."""

    def post(self, request, *args, **kwargs):
        from sas_platform.psc.views import psc_logout_url

        end_session = psc_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(end_session) if end_session else response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "sas_platform/password_reset_form.html"
    email_template_name = "sas_platform/email/password_reset.txt"
    subject_template_name = "sas_platform/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}

    def form_valid(self, form):
        """Rate-limited (issue 13): per client address (429 page), and per target e-mail (no mail,
        the same answer: nothing tells whether the account exists or the limit was reached)."""
        if not password_reset_address_allowed(self.request):
            return render(
                self.request,
                "sas_platform/password_reset_form.html",
                {**self.get_context_data(form=form), "too_many": True},
                status=429,
            )
        if not password_reset_target_allowed(form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)

    @property
    def extra_email_context(self) -> dict:
        # E-mails are rendered without the request's context processors.
        return {"PLATFORM_NAME": settings.PLATFORM_NAME}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "sas_platform/password_reset_done.html"
    extra_context = {"title": "Courriel envoyé"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    template_name = "sas_platform/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": "Nouveau mot de passe"}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "sas_platform/password_reset_complete.html"
    extra_context = {"title": "Mot de passe modifié"}


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """django-axes lock-out: same answer whatever the account, French, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(f"Trop de tentatives : réessayez dans {minutes} minutes.", "locked_out"), status=429
        )
    return render(
        request,
        "sas_platform/locked_out.html",
        {"title": "Connexion bloquée", "minutes": minutes},
        status=429,
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when database, cache and broker answer; 503 naming the part that failed."""
    ok, parts = health_report()
    return JsonResponse(
        {
            "status": "ok" if ok else "error",
            "checks": parts,
            "worker_last_heartbeat": worker_last_heartbeat(),
        },
        status=200 if ok else 503,
    )


@login_required
@require_GET
def commune_autocomplete(request: HttpRequest) -> HttpResponse:
    """HTMX partial: communes matching ``q`` (name or postal code), for any commune field."""
    query = request.GET.get("q", "").strip()
    communes = communes_search(query=query, limit=10) if len(query) >= 2 else []
    return render(
        request,
        "sas_platform/partials/commune_options.html",
        {"communes": communes, "query": query, "target": request.GET.get("target", "")},
    )


def role_label(code: str) -> str:
    return Role(code).label


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (déclaration d'accessibilité, RGAA 4.1, DSFR's model), public:
    linked from every page's footer. Its figures are those of the audit of issue 15 and of the
    axe-core check every browser journey runs (tests/e2e/a11y.py)."""
    return render(request, "sas_platform/accessibility.html", {"title": "Déclaration d'accessibilité"})
