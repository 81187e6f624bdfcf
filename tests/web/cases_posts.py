"""Access-matrix rows for the posts pages of competitions (see test_access_matrix.py).

Seeing the posts follows the competition's scope: its faculty (dean) and its CHU (director,
committee), the national roles. Changing them is for the ministry and the dean's office of the
faculty only (services.can_change_posts): the CHU's director sees them and is refused (403).
C1 and C2 have registration open (posts no longer editable); the rows that change posts use
"posts_C3", a draft résidanat of F1/CHU1 with one allocation."""

import datetime as dt

from residanat.concours.models import Competition, PostAllocation
from tests.concours.factories import CompetitionFactory
from tests.referential.factories import SpecialtyFactory
from tests.web.matrix import CHANGES_F1, CHANGES_F2, SEES_F1, SEES_F2, expect

SPECIALTY = "posts-matrix-cardiology"


def build(world):
    c3 = CompetitionFactory(faculty=world["F1"], hospital_centre=world["CHU1"], year=2027,
                            state=Competition.State.DRAFT, slug="residanat-2027-f1-postes",
                            session_date=dt.date(2027, 6, 15))
    specialty = SpecialtyFactory(code=SPECIALTY, name_fr="Cardiologie (matrice)", name_ar="أمراض القلب")
    PostAllocation.objects.create(competition=c3, seat_type="contract", group="medical", track="medicine",
                                  specialty=specialty, seats=4)
    return {"posts_C3": c3}


def _posts(w, key, rest=""):
    return f"/concours/{w[key].slug}/postes/{rest}"


def _edit(key, seat_type="contract"):
    return lambda w: _posts(w, key, f"medical/{SPECIALTY}/{seat_type}/")


VIEW_F1 = expect(SEES_F1, 200, 404, anonymous=302)
VIEW_F2 = expect(SEES_F2, 200, 404, anonymous=302)

CASES = [
    ("concours:posts", "get", lambda w: _posts(w, "C1"), VIEW_F1, None),
    ("concours:posts", "get", lambda w: _posts(w, "C2"), VIEW_F2, None),
    ("concours:posts", "get", lambda w: _posts(w, "posts_C3"), VIEW_F1, None),
    ("concours:posts_template", "get", lambda w: _posts(w, "posts_C3", "modele.xlsx"), VIEW_F1, None),
    ("concours:posts_template", "get", lambda w: _posts(w, "C2", "modele.xlsx"), VIEW_F2, None),
    ("concours:posts_annex", "get", lambda w: _posts(w, "posts_C3", "annexe.pdf?lang=fr"), VIEW_F1, None),
    ("concours:posts_annex", "get", lambda w: _posts(w, "C1", "annexe.pdf?lang=ar"), VIEW_F1, None),
    ("concours:posts_annex", "get", lambda w: _posts(w, "C2", "annexe.pdf?lang=fr"), VIEW_F2, None),
    # One allocation: the form (200), the save (302 back to the page); the CHU's director, the
    # higher-education officer, the committee and payroll see C3 but may not change its posts.
    ("concours:posts_edit", "get", _edit("posts_C3"), expect(CHANGES_F1, 200, 403, anonymous=302, scope=SEES_F1), None),
    ("concours:posts_edit", "post", _edit("posts_C3"), expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1),
     {"seats": "5"}),
    ("concours:posts_edit", "post", _edit("posts_C3", "military"),
     expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1), {"seats": "1"}),
    # C1 has registration open: an editor's save comes back with the error (200), nothing written.
    ("concours:posts_edit", "post", _edit("C1"), expect(CHANGES_F1, 200, 403, anonymous=302, scope=SEES_F1),
     {"seats": "5"}),
    # C2 (of F2): its form is refused to its editors with a message (302), the others do not find it.
    ("concours:posts_edit", "get", _edit("C2"), expect(CHANGES_F2, 302, 403, anonymous=302, scope=SEES_F2), None),
    ("concours:posts_add", "post", lambda w: _posts(w, "posts_C3", "ajouter/"),
     expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1),
     {"row": f"medical:{SPECIALTY}", "seat_type": "foreign_volunteer", "seats": "1"}),
    ("concours:posts_add", "post", lambda w: _posts(w, "C2", "ajouter/"),
     expect(CHANGES_F2, 302, 403, anonymous=302, scope=SEES_F2),
     {"row": "medical:contingent", "seat_type": "foreign_volunteer", "seats": "1"}),
    ("concours:posts_upload", "get", lambda w: _posts(w, "posts_C3", "import/"),
     expect(CHANGES_F1, 200, 403, anonymous=302, scope=SEES_F1), None),
    ("concours:posts_upload", "get", lambda w: _posts(w, "C2", "import/"),
     expect(CHANGES_F2, 200, 403, anonymous=302, scope=SEES_F2), None),
    # Without a file: back to the form with a message.
    ("concours:posts_upload", "post", lambda w: _posts(w, "posts_C3", "import/"),
     expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1), None),
    # Without the previewed file's token: back to the upload form, nothing written.
    ("concours:posts_confirm", "post", lambda w: _posts(w, "posts_C3", "import/confirmer/"),
     expect(CHANGES_F1, 302, 403, anonymous=302, scope=SEES_F1), {"token": "0" * 64}),
    ("concours:posts_confirm", "post", lambda w: _posts(w, "C2", "import/confirmer/"),
     expect(CHANGES_F2, 302, 403, anonymous=302, scope=SEES_F2), {"token": "0" * 64}),
]
