from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/reessayer/", views.retry, name="job-retry"),
    path("<int:pk>/fichier/", views.job_file, name="job-file"),
]
