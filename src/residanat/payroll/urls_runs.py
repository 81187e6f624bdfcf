"""URLs of the payroll run pages (included by payroll/urls.py, namespace "payroll", under /paie/)."""

from django.urls import path

from . import views_runs as views

urlpatterns = [
    path("", views.index, name="index"),
    path("ouvrir/", views.run_open, name="run-open"),
    path("<int:pk>/", views.run_detail, name="run-detail"),
    path("<int:pk>/calculer/", views.run_compute, name="run-compute"),
    path("<int:pk>/approuver/", views.run_approve, name="run-approve"),
    path("<int:pk>/cloturer/", views.run_close, name="run-close"),
    path("<int:pk>/lignes/", views.run_lines, name="run-lines"),
    path("<int:pk>/differences/", views.run_differences, name="run-differences"),
    path("<int:pk>/lignes.xlsx", views.run_lines_export, name="run-lines-export"),
    path("<int:pk>/differences.xlsx", views.run_differences_export, name="run-differences-export"),
]
