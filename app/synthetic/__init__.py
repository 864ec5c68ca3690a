"""Deterministic synthetic contractor population for demos, benchmarks and end-to-end tests.

``generate(contractors, seed, out_dir)`` writes HR, payroll and IdP exports in the export connector's
format, with scheme patterns planted among ordinary contractors and benign look-alikes of each, and
returns the :class:`Truth` that says which records are which (also written as ``truth.json``).
"""

from hiresentry.app.synthetic.build import generate, rounds_for
from hiresentry.app.synthetic.truth import Group, RecordRef, Truth

__all__ = ["Group", "RecordRef", "Truth", "generate", "rounds_for"]
