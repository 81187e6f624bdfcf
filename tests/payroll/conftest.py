import pytest

from tests.payroll.world import PayrollWorld


@pytest.fixture
def world():
    return PayrollWorld()
