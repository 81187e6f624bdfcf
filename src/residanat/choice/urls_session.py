"""URLs of the session, rounds, laureates and wishes pages (included by choice/urls.py, namespace
"choice")."""

from django.urls import path

from . import views_provisional
from . import views_session as views

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("<slug:slug>/", views.session_detail, name="session"),
    path("<slug:slug>/creer/", views.session_create, name="create"),
    path("<slug:slug>/voeux/ouvrir/", views.open_wishes, name="open-wishes"),
    path("<slug:slug>/tours/programmer/", views.schedule_round, name="schedule-round"),
    path("<slug:slug>/tours/lancer/", views.run_round, name="run-round"),
    path("<slug:slug>/tours/definitif/", views.run_final, name="run-final"),
    path("<slug:slug>/tours/<int:number>/", views.round_detail, name="round"),
    path("<slug:slug>/provisoire/", views_provisional.provisional_detail, name="provisional"),
    path("<slug:slug>/laureats/", views.laureate_list, name="laureates"),
    path("<slug:slug>/laureats/<int:order>/", views.laureate_detail, name="laureate"),
    path("<slug:slug>/mes-voeux/", views.my_wishes, name="my-wishes"),
]
