"""The live choice session: the operator's screen with its actions, and the public board."""

from django.urls import path

from . import views_live

urlpatterns = [
    path("<slug:slug>/seance/", views_live.operator, name="operator"),
    path("<slug:slug>/seance/ouvrir/", views_live.start, name="live-start"),
    path("<slug:slug>/seance/choisir/", views_live.choose, name="live-choose"),
    path("<slug:slug>/seance/absent/", views_live.absent, name="live-absent"),
    path("<slug:slug>/seance/annuler/", views_live.undo, name="live-undo"),
    path("<slug:slug>/seance/clore/", views_live.close, name="live-close"),
    path("<slug:slug>/mes-voeux/appel/", views_live.my_call, name="my-call"),
    path("<slug:slug>/tableau/", views_live.board, name="board"),
    path("<slug:slug>/tableau/etat/", views_live.board_fragment, name="board-fragment"),
]
