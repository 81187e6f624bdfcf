from django.urls import path

from . import views

app_name = "deployment"
urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.campaign_new, name="campaign-new"),
    path("<int:year>/", views.campaign, name="campaign"),
    path("<int:year>/postes/", views.posts, name="posts"),
    path("<int:year>/postes/import/", views.posts_import, name="posts-import"),
    path("<int:year>/specialistes/", views.candidates, name="candidates"),
    path("<int:year>/specialistes/import/", views.candidates_import, name="candidates-import"),
    path("<int:year>/couples/<int:pk>/retirer/", views.couple_remove, name="couple-remove"),
    path("<int:year>/actions/<slug:action>/", views.campaign_action, name="action"),
    path("<int:year>/repartitions/<int:pk>/", views.run, name="run"),
    path("<int:year>/tableaux.xlsx", views.report_xlsx, name="report-xlsx"),
    path("<int:year>/tableaux-<str:language>.pdf", views.report_pdf, name="report-pdf"),
    path("<int:year>/communique/", views.communique, name="communique"),
    path("<int:year>/communique-<str:language>.pdf", views.communique_pdf, name="communique-pdf"),
    path("specialiste/<int:pk>/", views.candidate, name="candidate"),
    path("specialiste/<int:pk>/decision-<str:language>.pdf", views.notice, name="notice"),
]
