"""The API docs page (Swagger UI) served entirely from this server.

ninja's own Swagger page pulls its JavaScript and CSS from cdn.jsdelivr.net unless "ninja" is
in INSTALLED_APPS; our machines are offline and we allow no CDN, so the page is rendered from
our template and the assets that ship inside the ninja package are served by the route below.
"""

import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from ninja import Router
from ninja.openapi.docs import Swagger

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.svg"})

router = Router(auth=None)


class OfflineSwagger(Swagger):
    def render_page(self, request, api, **kwargs):
        # validatorUrl None: Swagger UI would otherwise fetch a badge from validator.swagger.io.
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs), "validatorUrl": None}
        asset = {
            name.replace("-", "_").replace(".", "_"): (
                reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name})
                + f"?v={ninja.__version__}"
            )
            for name in ASSETS
        }
        add_csrf = any(getattr(a, "csrf", False) for a in api.auth)
        context = {"api": api, "settings": settings, "add_csrf": add_csrf, "asset": asset}
        return render(request, "api/swagger.html", context)


@router.get("/docs/assets/{name}", include_in_schema=False, url_name="docs-asset")
def docs_asset(request, name: str):
    if name not in ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(open(ASSET_DIR / name, "rb"), content_type=content_type)
    # The URL carries ninja's version, so a day of caching never serves a stale bundle.
    response["Cache-Control"] = "public, max-age=86400"
    return response
