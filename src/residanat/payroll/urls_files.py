"""URLs of the payroll's data entry pages (included by payroll/urls.py, namespace "payroll")."""

from django.urls import path

from . import views_files as views

urlpatterns = [
    path("statuts/<int:status_pk>/", views.pay_file, name="pay-file"),
    path("statuts/<int:status_pk>/elements/", views.pay_terms, name="pay-terms"),
    path("statuts/<int:status_pk>/compte/", views.bank_account, name="bank-account"),
    path("statuts/<int:status_pk>/exclusions/nouvelle/", views.stipend_stop_new, name="stipend-stop-new"),
    path("montants/", views.rates, name="rates"),
    path("montants/arretes/nouveau/", views.rate_order_new, name="rate-order-new"),
    path("gst/", views.health_groups, name="health-groups"),
    path("gst/<int:region_pk>/", views.health_group_edit, name="health-group-edit"),
]
