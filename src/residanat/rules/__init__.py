"""Regulation parameters and computations. Pure Python: never import Django here."""

from .parameters import (
    Parameter,
    ParameterError,
    ParameterNotInForce,
    UnknownParameter,
    load_parameters,
    param,
    parameters_in_force,
)
from .specialties import DurationClass, SpecialtyGroup, Track, residency_duration_class

__all__ = [
    "DurationClass",
    "Parameter",
    "ParameterError",
    "ParameterNotInForce",
    "SpecialtyGroup",
    "Track",
    "UnknownParameter",
    "load_parameters",
    "param",
    "parameters_in_force",
    "residency_duration_class",
]
