"""The site's URLs plus one page that fails, to see the 500 page (tests/web/test_error_pages.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from residanat.urls import handler403, handler404, handler500, urlpatterns as site  # noqa: F401


def failing(request):
    raise RuntimeError("a bug")


urlpatterns = site + i18n_patterns(path("en-panne/", failing), prefix_default_language=False)
