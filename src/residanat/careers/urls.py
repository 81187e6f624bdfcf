from django.urls import include, path

app_name = "careers"
urlpatterns = [
    path("", include("residanat.careers.urls_timeline")),
    path("", include("residanat.careers.urls_periods")),
    path("", include("residanat.careers.urls_externs")),
    path("", include("residanat.careers.urls_records")),
]
