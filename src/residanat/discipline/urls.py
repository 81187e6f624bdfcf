from django.urls import path

from . import views, views_commitments as commitments

app_name = "discipline"
urlpatterns = [
    path("", views.index, name="index"),
    path("ouvrir/<int:status_pk>/", views.open_case, name="open"),
    path("commission/", views.nominations, name="nominations"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/etapes/<slug:step>/", views.case_step, name="step"),
    path("<int:pk>/lettres/<slug:kind>.pdf", views.letter, name="letter"),
    path("<int:pk>/pieces/", views.document_add, name="document-add"),
    path("<int:pk>/pieces/<int:doc_pk>/", views.document, name="document"),
    path("engagements/", commitments.commitment_list, name="commitments"),
    path("engagements/nouveau/<int:status_pk>/", commitments.commitment_new, name="commitment-new"),
    path("engagements/<int:pk>/", commitments.commitment_detail, name="commitment"),
    path("engagements/<int:pk>/<slug:action>/", commitments.commitment_action, name="commitment-action"),
    path("engagements/<int:pk>/releve.pdf", commitments.commitment_statement, name="commitment-statement"),
]
