from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from metropoli.common.domain_errors import add_to_form, status_of
from metropoli.common.errors import DomainError
from metropoli.common.ratelimit import limit_anonymous_posts
from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where, roles_of

from . import services
from .forms import (
    DeleteAccountForm,
    LimitedPasswordResetForm,
    LoginForm,
    ProfileForm,
    SignUpForm,
)
from .models import User


@require_http_methods(["GET", "POST"])
@limit_anonymous_posts("signup", limit="SIGNUPS_PER_ADDRESS", window=3600)
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # New address or not, the same answer (the service e-mails the address either way).
        services.sign_up(form=form)
        return redirect("accounts:signup_sent")
    return render(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def activate(request, uidb64: str, token: str):
    """The link of the activation e-mail. GET shows a button (mail scanners that open links do
    not activate anything); POST activates the account and logs the person in."""
    try:
        user = User.objects.filter(pk=int(urlsafe_base64_decode(uidb64))).first()
    except (ValueError, OverflowError):
        user = None
    valid = (
        user is not None
        and user.activation_pending
        and not user.is_active
        and services.activation_tokens.check_token(user, token)
    )
    if not valid:
        message = _("This activation link is not valid any more. Log in, or sign up again.")
        return render(request, "web/error.html", {"message": message}, status=400)
    # Accounts opened for someone by staff (a stall's vendor, market staff) have no password
    # yet: the person chooses one here, with the activation.
    form = None if user.has_usable_password() else SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        if form is not None:
            form.save()
        services.activate(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/activate.html",
        {"person": user, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = LimitedPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, form=form)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    assignments = request.user.role_assignments.select_related("municipality").order_by("role")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "assignments": assignments,
            "roles": roles_of(request.user),
            "manages_roles": municipalities_where(request.user, Role.MUNICIPAL_STAFF).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(user=request.user)
        except DomainError as error:  # the last platform administrator
            add_to_form(form, error)
            return render(request, "accounts/delete.html", {"form": form}, status=status_of(error))
        messages.success(request, _("Your account was deleted."))
        return redirect("web:home")
    return render(request, "accounts/delete.html", {"form": form})
