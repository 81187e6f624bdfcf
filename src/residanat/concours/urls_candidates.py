"""URLs of the candidates pages (included by concours/urls.py, same namespace)."""

from django.urls import path

from . import views_candidates as views

urlpatterns = [
    path("mes-candidatures/", views.my_candidacies, name="my_candidacies"),
    path("candidatures/<int:pk>/recu.pdf", views.receipt, name="receipt"),
    path("candidats/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidats/<int:pk>/pieces/<int:doc_pk>/", views.candidate_document, name="candidate_document"),
    path("candidats/<int:pk>/desistement/", views.candidate_withdraw, name="candidate_withdraw"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/candidats/", views.candidates, name="candidates"),
    path("<slug:slug>/candidats/export.xlsx", views.candidates_export, name="candidates_export"),
    path("<slug:slug>/candidats/import/", views.candidates_import, name="candidates_import"),
    path("<slug:slug>/candidats/modele.xlsx", views.candidates_template, name="candidates_template"),
]
