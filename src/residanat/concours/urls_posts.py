"""URLs of the posts pages (included by concours/urls.py, same namespace)."""

from django.urls import path

from . import views_posts as views

urlpatterns = [
    path("<slug:slug>/postes/", views.posts, name="posts"),
    path("<slug:slug>/postes/ajouter/", views.posts_add, name="posts_add"),
    path("<slug:slug>/postes/import/", views.posts_upload, name="posts_upload"),
    path("<slug:slug>/postes/import/confirmer/", views.posts_confirm, name="posts_confirm"),
    path("<slug:slug>/postes/modele.xlsx", views.posts_template_download, name="posts_template"),
    path("<slug:slug>/postes/annexe.pdf", views.posts_annex, name="posts_annex"),
    # One allocation: the seats of one type (`seat_type`) on one row (a specialty code, or "contingent").
    path("<slug:slug>/postes/<slug:group>/<slug:key>/<slug:seat_type>/", views.posts_edit, name="posts_edit"),
]
