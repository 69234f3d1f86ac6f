from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", LogoutView.as_view(), name="logout"),
    path("konto/", views.account, name="account"),
    path("konto/passwort/", views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/zweiter-faktor/", views.second_factor_verify, name="second_factor_verify"),
    path("konto/zweiter-faktor/einrichten/", views.second_factor_enrol, name="second_factor_enrol"),
    path("konto/zweiter-faktor/entfernen/", views.second_factor_remove, name="second_factor_remove"),
    path("sprache/", views.language, name="language"),
    path("einladung/<str:token>/", views.invitation, name="invitation"),
]
