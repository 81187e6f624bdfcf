"""URLs of the tests, scores, merit list and results pages (included by concours/urls.py, same namespace)."""

from django.urls import path

from . import views_merit as views

urlpatterns = [
    path("<slug:slug>/epreuves/", views.competition_tests, name="tests"),
    path("<slug:slug>/notes/", views.scores, name="scores"),
    path("<slug:slug>/notes/<slug:code>/import/", views.scores_import, name="scores_import"),
    path("<slug:slug>/notes/<slug:code>/modele.xlsx", views.scores_template_download, name="scores_template"),
    path("<slug:slug>/classement/", views.merit, name="merit"),
    path("<slug:slug>/classement/calculer/", views.merit_compute, name="merit_compute"),
    path("<slug:slug>/classement/reviser/", views.merit_revise, name="merit_revise"),
    path("<slug:slug>/classement/liste.pdf", views.merit_pdf, name="merit_pdf"),
    path("<slug:slug>/classement/liste.xlsx", views.merit_xlsx, name="merit_xlsx"),
    path("<slug:slug>/resultats/", views.results, name="results"),
    path("candidatures/<int:pk>/releve.pdf", views.result_slip, name="result_slip"),
]
