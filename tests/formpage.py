"""Reading a page's forms as a browser would (standard library parser): which forms hold the error
summary, and the value each field shows. Used by the tests of issue 25 item 1 (forms keep what was
typed on error, the errors summarised at the top of the form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    values: dict = field(default_factory=dict)  # name -> list of values shown
    summary: str = ""  # the text of the error summary inside this form ("" when none)
    first: str = ""  # what comes first inside the form: "summary" when the summary does


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.summary_outside = False
        self._form: Form | None = None
        self._summary_depth = 0
        self._depth = 0
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._depth += 1
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(action=a.get("action") or "")
            self.forms.append(self._form)
        classes = (a.get("class") or "").split()
        if "form-errors" in classes:
            self._summary_depth = self._depth
            if self._form is None:
                self.summary_outside = True
            elif not self._form.first:
                self._form.first = "summary"
        if self._form is None:
            return
        if tag in ("input", "textarea", "select") and not self._form.first and a.get("type") != "hidden":
            self._form.first = "field"
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.values.setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self._form.values.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form.values.setdefault(self._textarea, []).append("")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            if "selected" in a:
                self._form.values.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag):
        if self._summary_depth and self._depth == self._summary_depth:
            self._summary_depth = 0
        self._depth -= 1
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._depth -= 1

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.values[self._textarea][-1] += data.lstrip("\n")
        if self._summary_depth and self._form is not None:
            self._form.summary += data


VOID = {"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr"}


class _VoidAware(_Parser):
    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag in VOID:
            self._depth -= 1


def forms(html: str) -> tuple[list[Form], bool]:
    """The POST forms of the page, and whether an error summary stands outside any form."""
    parser = _VoidAware()
    parser.feed(html)
    return parser.forms, parser.summary_outside


def form_with_errors(html: str) -> Form:
    """The one form holding the error summary (fails when there is none, or one outside a form)."""
    found, outside = forms(html)
    assert not outside, "an error summary stands outside the form"
    with_errors = [f for f in found if f.summary.strip()]
    assert len(with_errors) == 1, f"expected one form with its error summary, found {len(with_errors)}"
    return with_errors[0]


def shows(form: Form, name: str, value: str) -> bool:
    return value in form.values.get(name, [])
