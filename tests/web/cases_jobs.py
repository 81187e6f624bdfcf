"""Access-matrix rows for a background job's page (see test_access_matrix.py): only the person who
started it, and a superuser, see it or retry it; anyone else gets 404."""

from residanat.ops.models import Job
from tests.web.matrix import expect


def build(world):
    return {"job": Job.objects.create(kind="tests.nothing", key="tests", label="Liste", state=Job.State.DONE,
                                      started_by=world["admin"])}


CASES = [
    ("ops:job", "get", lambda w: f"/taches/{w['job'].pk}/", expect({"superuser"}, 200, 404, anonymous=302), None),
    # A job that is not failed is left as it is: back to its page.
    ("ops:job-retry", "post", lambda w: f"/taches/{w['job'].pk}/reessayer/",
     expect({"superuser"}, 302, 404, anonymous=302), None),
]
