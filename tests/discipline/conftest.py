import pytest

from tests.discipline.test_cases import World


@pytest.fixture
def w():
    """The discipline world of test_cases.py (files that define their own `w` keep theirs)."""
    return World()
