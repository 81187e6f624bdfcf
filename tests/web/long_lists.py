"""Walk the pages a user reaches by links and find the tables of more than 50 rows (issue 25
item 3: a list that can exceed 50 rows pages; a page of a Listing shows at most 50)."""

import re
from html.parser import HTMLParser

from .links import links_on

MAX_ROWS = 50
# Downloads, actions and pages that are not lists: not followed.
SKIPPED = re.compile(r"(\.pdf|\.xlsx|\.csv|\.zip|/telecharger|/download|/deconnexion|/logout|/lang/|/admin/|/api/"
                     r"|[?&]page=|[?&]sort=|[?&]lang=|/taches/)")


class _Rows(HTMLParser):
    """Counts the body rows of each table (nested tables count for themselves)."""

    def __init__(self):
        super().__init__()
        self.stack: list[list[int]] = []
        self.counts: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.stack.append([0, 0])  # [rows, in thead]
        elif self.stack and tag == "thead":
            self.stack[-1][1] = 1
        elif self.stack and tag == "tr" and not self.stack[-1][1]:
            self.stack[-1][0] += 1

    def handle_endtag(self, tag):
        if tag == "thead" and self.stack:
            self.stack[-1][1] = 0
        elif tag == "table" and self.stack:
            self.counts.append(self.stack.pop()[0])


def table_rows(html: str) -> list[int]:
    parser = _Rows()
    parser.feed(html)
    return parser.counts


def long_tables(client, start: list[str], limit: int = 400) -> tuple[list[tuple[str, int]], int]:
    """([(url, rows)] of the pages with a table of more than 50 rows, pages visited), following
    the links from `start` breadth first, at most `limit` pages; one URL per path pattern (the
    digits of a path stand for any id) so that 362 laureate pages count as one."""
    seen_patterns, queue, found, visited = set(), list(start), [], 0
    while queue and visited < limit:
        url = queue.pop(0)
        pattern = re.sub(r"\d+", "N", url.split("?")[0])
        if pattern in seen_patterns or SKIPPED.search(url):
            continue
        seen_patterns.add(pattern)
        response = client.get(url)
        visited += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        rows = max(table_rows(html), default=0)
        if rows > MAX_ROWS:
            found.append((url, rows))
        queue.extend(link for link in links_on(html) if link not in queue)
    return found, visited
