from django.urls import include, path

from . import views_index

app_name = "careers"
urlpatterns = [
    path("", views_index.index, name="index"),
    path("", include("residanat.careers.urls_timeline")),
    path("", include("residanat.careers.urls_periods")),
    path("", include("residanat.careers.urls_externs")),
    path("", include("residanat.careers.urls_records")),
]
