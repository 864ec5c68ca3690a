"""A normal (non-editable) build ships every subpackage and data file under the namespaced names."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_namespaced_packages_data_and_entry_points(tmp_path: Path) -> None:
    source = tmp_path / "src"  # build from a copy: setuptools writes build/ into the tree it builds
    skipped = shutil.ignore_patterns(".venv", ".git", "build", "node_modules", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=skipped)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("hiresentry-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not any(n.startswith(("core/", "connectors/", "playbooks/", "app/")) for n in names)
    assert "hiresentry/__init__.py" not in names  # namespace package: nothing collides in site-packages
    for required in (
        "hiresentry/core/store/migrations/env.py",
        "hiresentry/core/store/migrations/script.py.mako",
        "hiresentry/core/store/migrations/versions/0001_initial_schema.py",
        "hiresentry/core/indicators/definitions/pay_shared_account.yaml",
        "hiresentry/playbooks/library/escalate-high-risk-contractors.yaml",
        "hiresentry/connectors/deel/__init__.py",
        "hiresentry/connectors/export/files.py",
        "hiresentry/app/synthetic/build.py",
        "hiresentry/core/py.typed",
    ):
        assert required in names, required
    definitions = "hiresentry/core/indicators/definitions/"
    yaml_count = sum(1 for n in names if n.startswith(definitions) and n.endswith(".yaml"))
    assert yaml_count == len(list((ROOT / "core/indicators/definitions").glob("*.yaml")))
    (entry_points,) = [n for n in names if n.endswith("entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "hiresentry = hiresentry.app.cli:main" in text
    assert "deel = hiresentry.connectors.deel:DeelConnector" in text
    assert "payout.hold = hiresentry.playbooks.actions.payout:PayoutHold" in text
