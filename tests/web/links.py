"""Follow the links of a page: every internal link it shows must lead somewhere (issue 18, item 6)."""

import re
from html import unescape

HREF = re.compile(r'href="(/[^"#]*)(?:#[^"]*)?"')
# Files served by the web server, not by a view.
NOT_VIEWS = ("/static/", "/media/")


def links_on(html: str) -> list[str]:
    seen = []
    for href in HREF.findall(html):
        url = unescape(href)
        if url and not url.startswith(NOT_VIEWS) and url not in seen:
            seen.append(url)
    return seen


def broken_links(client, page: str) -> list[tuple[str, int]]:
    """(link, status) for each link of `page` that answers 404 or a server error."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    broken = []
    for url in links_on(response.content.decode()):
        status = client.get(url).status_code
        if status == 404 or status >= 500:
            broken.append((url, status))
    return broken
