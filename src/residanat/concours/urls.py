from django.urls import include, path

from . import views

app_name = "concours"
urlpatterns = [
    path("", views.competition_list, name="list"),
    path("<slug:slug>/", views.competition_detail, name="detail"),
    path("<slug:slug>/etat/", views.competition_transition, name="transition"),
    path("", include("residanat.concours.urls_posts")),
    path("", include("residanat.concours.urls_candidates")),
    path("", include("residanat.concours.urls_merit")),
]
