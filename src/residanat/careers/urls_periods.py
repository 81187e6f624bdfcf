"""URLs of the choice of services by merit each rotation period (included by careers/urls.py,
namespace "careers")."""

from django.urls import path

from . import views_periods as views

urlpatterns = [
    path("periodes/", views.period_list, name="periods"),
    path("periodes/nouvelle/", views.period_create, name="period-create"),
    path("periodes/<int:pk>/", views.period_detail, name="period"),
    path("periodes/<int:pk>/places/", views.period_seats, name="period-seats"),
    path("periodes/<int:pk>/places/arreter/", views.period_approve, name="period-approve"),
    path("periodes/<int:pk>/voeux/ouvrir/", views.period_open, name="period-open"),
    path("periodes/<int:pk>/attribuer/", views.period_assign, name="period-assign"),
    path("periodes/<int:pk>/attribuer/a-la-main/", views.period_assign_by_hand, name="period-assign-by-hand"),
    path("periodes/<int:pk>/voeux/", views.period_wishes, name="period-wishes"),
]
