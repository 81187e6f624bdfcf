"""URLs of the record pages (included by careers/urls.py, namespace "careers")."""

from django.urls import path

from . import views_records as views

urlpatterns = [
    path("statuts/<int:pk>/conges/nouveau/", views.leave_new, name="leave-new"),
    path("conges/<int:pk>/approuver/", views.leave_approve, name="leave-approve"),
    path("conges/a-approuver/", views.leaves_to_approve, name="leaves-to-approve"),
    path("statuts/<int:pk>/annees/nouvelle/", views.residency_year_new, name="residency-year-new"),
    path("personnes/<int:pk>/diplomes/nouveau/", views.degree_new, name="degree-new"),
    path("statuts/<int:pk>/missions/nouvelle/", views.mission_new, name="mission-new"),
    path("personnes/<int:pk>/residanat/nouveau/", views.resident_new, name="resident-new"),
    path("personnes/<int:pk>/septieme-annee/nouveau/", views.seventh_year_new, name="seventh-year-new"),
    path("alertes/doctorat/", views.doctorate_alert_list, name="doctorate-alerts"),
]
