"""Access-matrix rows for a background job's page (see test_access_matrix.py): only the person who
started it, and a superuser, see it or retry it; anyone else gets 404."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from residanat.ops.models import Job
from tests.web.matrix import expect


def build(world):
    job = Job.objects.create(kind="tests.nothing", key="tests", label="Liste", state=Job.State.DONE,
                             started_by=world["admin"])
    job.result_file = default_storage.save(f"taches/{job.pk}/liste.xlsx", ContentFile(b"PK\x03\x04 an export"))
    job.save(update_fields=["result_file"])
    return {"job": job}


CASES = [
    ("ops:job", "get", lambda w: f"/taches/{w['job'].pk}/", expect({"superuser"}, 200, 404, anonymous=302), None),
    ("ops:job-file", "get", lambda w: f"/taches/{w['job'].pk}/fichier/", expect({"superuser"}, 200, 404, anonymous=302),
     None),
    # A job that is not failed is left as it is: back to its page.
    ("ops:job-retry", "post", lambda w: f"/taches/{w['job'].pk}/reessayer/",
     expect({"superuser"}, 302, 404, anonymous=302), None),
]
