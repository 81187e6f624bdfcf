"""URLs of the candidates pages (included by concours/urls.py, same namespace)."""

urlpatterns = []
