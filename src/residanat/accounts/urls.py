from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_enrolment

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("verification/", views.otp, name="otp"),
    path("enrolement/", views_enrolment.enrol, name="enrol"),
    path("codes-enrolement/", views_enrolment.enrolment_codes, name="enrolment-codes"),
    path("", views.account, name="account"),
]
