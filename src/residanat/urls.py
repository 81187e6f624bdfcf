from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from residanat.accounts.views import set_language
from residanat.api.urls import api
from residanat.ops.health import health
from residanat.web.errors import favicon

urlpatterns = [
    path("api/v1/", api.urls),
    path("lang/", set_language, name="set_language"),
    # For probes, in no language: outside i18n_patterns.
    path("sante/", health, name="health"),
    path("health/", health, name="health"),
    # Browsers ask for it whatever the page says (issue 25 item 6).
    path("favicon.ico", favicon, name="favicon"),
]

# French without prefix, Arabic under /ar/.
urlpatterns += i18n_patterns(
    path("", include("residanat.web.urls")),
    path("compte/", include("residanat.accounts.urls")),
    path("personnes/", include("residanat.people.urls")),
    path("referentiel/", include("residanat.referential.urls")),
    path("documents/", include("residanat.documents.urls")),
    path("concours/", include("residanat.concours.urls")),
    path("choix/", include("residanat.choice.urls")),
    path("parcours/", include("residanat.careers.urls")),
    path("paie/", include("residanat.payroll.urls")),
    path("discipline/", include("residanat.discipline.urls")),
    path("deploiement/", include("residanat.deployment.urls")),
    path("taches/", include("residanat.ops.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

# Our pages, in the page's language and with the menu (issue 25 item 6; residanat/web/errors.py).
handler403 = "residanat.web.errors.forbidden"
handler404 = "residanat.web.errors.not_found"
handler500 = "residanat.web.errors.server_error"
