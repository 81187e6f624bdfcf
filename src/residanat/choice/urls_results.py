"""URLs of the outcome of a choice of posts: results, documents, log (namespace "choice")."""

from django.urls import path

from . import views_results as views

urlpatterns = [
    path("<slug:slug>/resultats/", views.results, name="results"),
    path("<slug:slug>/resultats/liste.pdf", views.results_pdf, name="results-pdf"),
    path("<slug:slug>/resultats/liste.xlsx", views.results_xlsx, name="results-xlsx"),
    path("<slug:slug>/affectation/<str:number>/avis.pdf", views.notice, name="notice"),
    path("<slug:slug>/journal/", views.log_page, name="log"),
]
