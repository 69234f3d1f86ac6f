"""Login, logout, second factor, password change, account page and language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login

from agencies.selectors import memberships_of

from . import invitations, second_factor
from .forms import LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
def second_factor_verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
        form.add_error("token", _("The code is not valid or has expired. Please wait for the next code."))
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


@login_required
def second_factor_enrol(request):
    user = request.user
    if second_factor.has_confirmed_device(user) and not user.is_verified():
        # Replacing an authenticator requires proving the current one first.
        return redirect("accounts:second_factor_verify")
    device = second_factor.enrolment_device(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = second_factor.enrolment_confirm(user=user, token=form.cleaned_data["token"])
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(request, _("Your second factor is set up. From now on you log in with a code."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("token", _("The code does not match. Check the time on your phone and try the next code."))
    context = {
        "form": form,
        "qr_svg": second_factor.provisioning_qr_svg(device),
        "secret": second_factor.base32_secret(device),
        "required": second_factor.second_factor_required(user),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@login_required
@require_POST
def second_factor_remove(request):
    try:
        second_factor.devices_remove(user=request.user)
    except PermissionError:
        messages.error(request, _("Your role requires a second factor; it cannot be removed."))
    else:
        messages.success(request, _("The second factor has been removed."))
    return redirect("accounts:account")


@login_required
def account(request):
    context = {
        "memberships": memberships_of(request.user),
        "has_device": second_factor.has_confirmed_device(request.user),
        "second_factor_required": second_factor.second_factor_required(request.user),
        "demo_relaxed": settings.DEMO_RELAX_SECOND_FACTOR,
    }
    return render(request, "accounts/account.html", context)


@require_POST
def language(request):
    """Django's set_language, remembering the choice on the account for mails and tasks."""
    response = set_language(request)
    chosen = request.POST.get("language")
    if (
        isinstance(response, HttpResponseRedirect)
        and request.user.is_authenticated
        and chosen in dict(settings.LANGUAGES)
        and request.user.language != chosen
    ):
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    return response


def invitation(request, token: str):
    """A new account sets its own password, then (where required) its second factor."""
    from django.contrib.auth import login
    from django.contrib.auth.forms import SetPasswordForm
    from django.core.exceptions import ValidationError
    from django.http import Http404

    found = invitations.invitation_for(token)
    if found is None:
        raise Http404
    form = SetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(invitation=found, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            login(request, user, backend="agencies.backends.RoleBackend")
            messages.success(request, _("Your password has been set. Welcome to Notlagen."))
            return redirect("accounts:second_factor_enrol" if second_factor.second_factor_required(user) else "home")
    return render(request, "accounts/invitation.html", {"form": form, "invited": found.user})
