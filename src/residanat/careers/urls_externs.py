"""URLs of the externs' pages (included by careers/urls.py, namespace careers)."""

from django.urls import path

from . import views_externs as views

urlpatterns = [
    path("externes/", views.externs, name="externs"),
    path("externes/import/", views.enrolment_import, name="enrolment-import"),
    path("externes/import/modele.xlsx", views.enrolment_template_view, name="enrolment-template"),
    path("externes/affectations/", views.extern_batches, name="extern-batches"),
    path("externes/affectations/nouvelle/", views.extern_batch_new, name="extern-batch-new"),
    path("externes/affectations/modele.xlsx", views.extern_batch_template, name="extern-batch-template"),
    path("externes/affectations/<int:pk>/", views.extern_batch, name="extern-batch"),
    path("externes/affectations/<int:pk>/affecter/", views.extern_batch_assign, name="extern-batch-assign"),
]
