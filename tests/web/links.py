"""Follow the links of a page: every internal link it shows must lead somewhere (issue 18, item 6)."""

import re
from html import unescape

HREF = re.compile(r'href="(/[^"#]*)(?:#[^"]*)?"')
FORM = re.compile(r"<form\b[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
# htmx requests a button or a field sends.
HX = re.compile(r'hx-(get|post)="(/[^"#]*)"')
MENU = re.compile(r'<nav class="mainnav".*?</nav>', re.S)
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


def menu_links(html: str) -> list[str]:
    """The links of the main menu (base.html), each an app's page."""
    found = MENU.search(html)
    return links_on(found.group(0)) if found else []


def targets_on(html: str, page: str) -> list[tuple[str, str]]:
    """(method, url) of every link, form and htmx request of a page: where its buttons lead."""
    targets = [("get", url) for url in links_on(html)]
    for tag in FORM.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        action = unescape(attributes.get("action") or page)
        if action.startswith("/"):
            targets.append(((attributes.get("method") or "get").lower(), action))
    targets += [(method, unescape(url)) for method, url in HX.findall(html)]
    return list(dict.fromkeys(targets))
