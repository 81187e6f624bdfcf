"""URLs of the posts pages (included by concours/urls.py, same namespace)."""

urlpatterns = []
