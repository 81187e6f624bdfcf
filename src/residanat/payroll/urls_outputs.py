"""URLs of the payroll's outputs (included by payroll/urls.py, namespace "payroll")."""

from django.urls import path

from . import views_outputs as views

urlpatterns = [
    path("<int:pk>/virements.csv", views.run_transfer, name="run-transfer"),
    path("<int:pk>/sans-rib/", views.run_withheld, name="run-withheld"),
    path("<int:pk>/synthese.pdf", views.run_summary, name="run-summary"),
    path("mes-bulletins/", views.my_payslips, name="my-payslips"),
    path("bulletins/<int:run_pk>/<int:person_pk>.pdf", views.payslip, name="payslip"),
]
