from django.urls import path

from . import views

app_name = "discipline"
urlpatterns = [
    path("", views.index, name="index"),
    path("ouvrir/<int:status_pk>/", views.open_case, name="open"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/etapes/<slug:step>/", views.case_step, name="step"),
    path("<int:pk>/lettres/<slug:kind>.pdf", views.letter, name="letter"),
]
