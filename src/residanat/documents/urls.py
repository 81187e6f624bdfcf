from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("verifier/", views.verify, name="verify"),
    path("<int:pk>/telecharger/", views.download, name="download"),
]
