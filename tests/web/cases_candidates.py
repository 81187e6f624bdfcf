"""Access-matrix rows for the candidates pages of competitions (see test_access_matrix.py)."""


def build(world):
    """Objects these rows need, added to the matrix world (world["C1"]: competition of F1/CHU1, etc.)."""
    return {}


CASES = []
