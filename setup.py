"""Package mapping: the four source folders install as the ``hiresentry`` namespace (see DESIGN §2)."""

from setuptools import find_packages, setup

ROOTS = ("core", "connectors", "playbooks", "app")
setup(
    packages=[f"hiresentry.{p}" for p in find_packages(include=[*ROOTS, *(f"{r}.*" for r in ROOTS)])],
    package_dir={f"hiresentry.{r}": r for r in ROOTS},
)
