from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from metropoli.common.ratelimit import limit_anonymous_posts
from metropoli.territory.selectors import roles_of

from . import services
from .forms import LoginForm, ProfileForm, SignUpForm


@require_http_methods(["GET", "POST"])
@limit_anonymous_posts("signup", limit=10, window=3600)
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.sign_up(form=form)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@method_decorator(limit_anonymous_posts("login", limit=20, window=600), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@method_decorator(limit_anonymous_posts("password-reset", limit=5, window=3600), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


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
        {"form": form, "assignments": assignments, "roles": roles_of(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    if request.method == "POST":
        services.delete_account(user=request.user)
        messages.success(request, _("Your account was deleted."))
        return redirect("web:home")
    return render(request, "accounts/delete.html")
