import datetime as dt
import subprocess

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
