"""What an anonymous observer sees of an answer, to compare two answers that must not differ
(issue 20 item 4): the CSRF token aside, masked anew on every page (form field and HTMX header)."""

import re

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"')


def without_csrf(text: str) -> str:
    return CSRF.sub(r'\1CSRF"', text)


def observed(response, body=None):
    """Status, templates, cookies set and the body (or the part given) without the CSRF token."""
    text = response.content.decode() if body is None else body
    return (response.status_code, [t.name for t in response.templates], sorted(response.cookies),
            without_csrf(text))
