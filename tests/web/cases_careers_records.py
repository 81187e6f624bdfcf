"""Access-matrix rows for the careers pages (records); see test_access_matrix.py."""


def build(world):
    return {}


CASES: list = []
