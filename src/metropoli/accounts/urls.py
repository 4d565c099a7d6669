from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from . import platform_admins, roles, views

app_name = "accounts"
urlpatterns = [
    path("registro", views.signup, name="signup"),
    path(
        "registro/enviado",
        TemplateView.as_view(template_name="accounts/signup_sent.html"),
        name="signup_sent",
    ),
    path("activar/<uidb64>/<token>", views.activate, name="activate"),
    path("entrar", views.LoginView.as_view(), name="login"),
    path("salir", auth_views.LogoutView.as_view(), name="logout"),
    path("perfil", views.profile, name="profile"),
    path("perfil/borrar", views.delete_account, name="delete"),
    path("roles", roles.roles, name="roles"),
    path("roles/<int:assignment_id>/quitar", roles.revoke, name="revoke_role"),
    path("roles/plataforma", platform_admins.administrators, name="platform_admins"),
    path(
        "roles/plataforma/<int:user_id>/quitar",
        platform_admins.remove,
        name="remove_platform_admin",
    ),
    path("reabrir", platform_admins.reopen, name="reopen"),
    path("contrasena", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "contrasena/enviada",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "contrasena/<uidb64>/<token>",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "contrasena/lista",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
