"""``hiresentry demo`` as a new user runs it: every planted pattern caught, no look-alike flagged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HIRESENTRY = str(Path(sys.executable).with_name("hiresentry"))


def test_demo_runs_the_whole_flow(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIRESENTRY")} | {"COLUMNS": "160"}
    result = subprocess.run(
        [HIRESENTRY, "demo", "--out", str(tmp_path / "demo")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    truth = json.loads((tmp_path / "demo" / "exports" / "truth.json").read_text(encoding="utf-8"))
    assert f"planted patterns caught: {len(truth['planted'])}/{len(truth['planted'])}" in out
    assert f"benign look-alikes flagged: 0/{len(truth['benign'])}" in out
    assert {g["pattern"] for g in truth["planted"]} >= {
        "PAY-SHARED-ACCOUNT",
        "PAY-NAME-MISMATCH",
        "PAY-CRYPTO",
        "NET-SHARED-PHONE",
        "NET-SHARED-EMAIL",
        "SHIP-ADDR-NOT-HOME",
        "NET-VPN-PROXY",
        "DEV-RMM",
        "ID-XSRC-MISMATCH",
    }
    # monitor mode shows what would be made, and makes nothing
    for action in ("jira.ensure_ticket", "slack.escalate", "payout.hold"):
        assert f"{action} for hs-" in out
    assert "0 done" in out
    assert (tmp_path / "demo" / "hiresentry.db").exists()
    assert "store written to" in out
