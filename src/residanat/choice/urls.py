from django.urls import include, path

app_name = "choice"
urlpatterns = [
    path("", include("residanat.choice.urls_session")),
    path("", include("residanat.choice.urls_live")),
    path("", include("residanat.choice.urls_results")),
]
