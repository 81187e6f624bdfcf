from django.urls import include, path

from . import views

app_name = "concours"
# The steps' pages come first: fixed paths such as mes-candidatures/ must not be read as a slug.
urlpatterns = [
    path("", views.competition_list, name="list"),
    path("", include("residanat.concours.urls_posts")),
    path("", include("residanat.concours.urls_candidates")),
    path("", include("residanat.concours.urls_merit")),
    path("<slug:slug>/", views.competition_detail, name="detail"),
    path("<slug:slug>/etat/", views.competition_transition, name="transition"),
]
