from django.urls import include, path

app_name = "payroll"
urlpatterns = [
    path("", include("residanat.payroll.urls_runs")),
    path("", include("residanat.payroll.urls_outputs")),
    path("", include("residanat.payroll.urls_files")),
]
