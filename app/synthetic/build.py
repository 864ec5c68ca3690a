"""Entry point: generate a synthetic contractor population with planted patterns and look-alikes.

Counts: every one of the ``contractors`` appears exactly once in each source, so each source has
``contractors`` workers, engagements (HR, payroll), devices (HR, IdP) and payout accounts (payroll);
payroll has 2-3 payments and the IdP 3-5 sign-ins per contractor; about 10 % of HR workers carry one
benign hiring signal. Pattern participants are drawn from the same ``contractors`` (no extra records):
a planted identity that "does not belong" (e.g. payroll's other name on HR's tax id) is that
contractor's payroll record, not an additional worker.

Groups per pattern scale mildly with the population: 1 below 5,000 contractors, 2 below 50,000, else 3.
"""

from __future__ import annotations

import random
from pathlib import Path

from hiresentry.app.synthetic import patterns
from hiresentry.app.synthetic.identifiers import Registry
from hiresentry.app.synthetic.population import Person, emit, make_person
from hiresentry.app.synthetic.truth import Group, Truth
from hiresentry.app.synthetic.writer import ExportWriter

MIN_CONTRACTORS = 100


def rounds_for(contractors: int) -> int:
    """Groups per pattern: mildly more for larger populations, never fewer than one."""
    return 1 + (contractors >= 5_000) + (contractors >= 50_000)


def generate(contractors: int, seed: int, out_dir: Path) -> Truth:
    """Write ``out_dir/{hr,payroll,idp}`` exports and ``out_dir/truth.json``; same seed, same bytes."""
    if contractors < MIN_CONTRACTORS:
        raise ValueError(f"need at least {MIN_CONTRACTORS} contractors to hide the patterns among")
    rng = random.Random(seed)
    reg = Registry(rng)
    rounds = rounds_for(contractors)
    slots = rng.sample(range(contractors), rounds * patterns.SLOTS_PER_ROUND)
    people: dict[int, Person] = {}
    planted: list[Group] = []
    benign: list[Group] = []
    for planters, groups in ((patterns.PLANTED, planted), (patterns.BENIGN, benign)):
        for planter in planters:
            for variant in range(rounds):
                groups.append(planter(patterns.Planting(reg, slots, variant, people)))
    truth = Truth(planted=planted, benign=benign)

    out_dir.mkdir(parents=True, exist_ok=True)
    writer = ExportWriter(out_dir)
    try:
        for idx in range(contractors):
            person = people.pop(idx, None) or make_person(idx, reg)
            emit(person, writer, rng)
    finally:
        writer.close()
    (out_dir / "truth.json").write_text(truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return truth
