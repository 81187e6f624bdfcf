"""URLs of the merit pages (included by concours/urls.py, same namespace)."""

urlpatterns = []
