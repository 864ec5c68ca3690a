"""Where the shared read-only reference material is (vendor specs, OFAC snapshot, indicator catalogue).

It lives beside the checkout (``../shared``), not in it. Tests find it through
``HIRESENTRY_SHARED_DIR``, else a ``shared`` folder above this repository (also above a CI clone made
elsewhere, e.g. under /tmp, it is not), else ``/work/shared``. Tests that need it fail with this
message rather than skip: a check that silently skips is a check nobody runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DEFAULT = Path("/work/shared")


def shared_dir() -> Path:
    """The shared folder, or a test failure naming how to point at it."""
    env = os.environ.get("HIRESENTRY_SHARED_DIR")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            pytest.fail(f"HIRESENTRY_SHARED_DIR={env} is not a directory", pytrace=False)
        return path
    for parent in HERE.parents:
        if (parent / "shared" / "reference").is_dir():
            return parent / "shared"
    if DEFAULT.is_dir():
        return DEFAULT
    pytest.fail(
        f"the shared reference folder was not found above {HERE} or at {DEFAULT}: set HIRESENTRY_SHARED_DIR",
        pytrace=False,
    )
