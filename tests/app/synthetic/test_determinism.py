"""Same seed, same bytes; another seed, another population."""

from __future__ import annotations

from pathlib import Path

from hiresentry.app.synthetic import generate


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = generate(300, 5, tmp_path / "a")
    second = generate(300, 5, tmp_path / "b")
    assert first == second
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    generate(300, 5, tmp_path / "a")
    generate(300, 6, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert all(a[name] != b[name] for name in a)
