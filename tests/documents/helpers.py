import contextlib
import datetime as dt
import subprocess
from unittest import mock

from tests.people.factories import PersonFactory, TraineeStatusFactory


def pdf_text(path_or_bytes) -> str:
    """The text poppler extracts, as a reader's copy-paste or a screen reader would get it."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=path_or_bytes,
                                capture_output=True, check=True)
    else:
        result = subprocess.run(["pdftotext", "-layout", str(path_or_bytes), "-"],
                                capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def trainee_with_two_statuses(**person):
    """An extern in 2023-2024 who became an intern in September 2025, at the same faculty."""
    person = PersonFactory(**person)
    first = TraineeStatusFactory(
        person=person, kind="extern", study_year=5, start_date=dt.date(2023, 9, 1), end_date=dt.date(2024, 8, 31)
    )
    TraineeStatusFactory(person=person, faculty=first.faculty, start_date=dt.date(2025, 9, 1))
    return person


@contextlib.contextmanager
def files_opened():
    """Every stored file a model's file field opens inside the block, to check each was closed
    (an open file left to the garbage collector is a leaked descriptor under load)."""
    from django.db.models.fields.files import FieldFile

    opened = []
    real_open = FieldFile.open

    def spy(self, mode="rb"):
        result = real_open(self, mode)
        opened.append(self.file)
        return result

    with mock.patch.object(FieldFile, "open", spy):
        yield opened
