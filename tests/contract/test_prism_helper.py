"""The Prism helper itself: spec location, the YAML→JSON fix, and failing loudly when Prism cannot start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.contract import prism as helper

pytestmark = pytest.mark.contract


def test_specs_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HIRESENTRY_SPECS_DIR", str(tmp_path))
    assert helper.specs_dir() == tmp_path


def test_a_missing_specs_dir_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HIRESENTRY_SPECS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(pytest.fail.Exception, match="HIRESENTRY_SPECS_DIR"):
        helper.specs_dir()


def test_the_shared_deel_spec_is_found() -> None:
    assert (helper.specs_dir() / "deel" / "deel_openapi.yaml").is_file()


def test_yaml_to_json_keeps_timestamps_and_decodes_binary(tmp_path: Path) -> None:
    source = tmp_path / "api.yaml"
    source.write_text(
        "openapi: 3.0.1\n"
        "components:\n"
        "  schemas:\n"
        "    File:\n"
        "      example: !!binary |-\n"
        "        ZmlsZQ==\n"
        "    Stamp:\n"
        "      example: 2022-05-24T09:38:46.235Z\n"
    )
    out = helper.spec_as_json(source, tmp_path / "out")
    schemas = json.loads(out.read_text())["components"]["schemas"]
    assert schemas["File"]["example"] == "file"
    assert schemas["Stamp"]["example"] == "2022-05-24T09:38:46.235Z"  # not "2022-05-24 09:38:46.235000+00:00"
    assert not list(source.parent.glob("*.json")), "the source folder is never written to"


def test_the_real_deel_spec_converts(tmp_path: Path) -> None:
    out = helper.spec_as_json(helper.specs_dir() / "deel" / "deel_openapi.yaml", tmp_path)
    spec = json.loads(out.read_text())
    assert "/people" in spec["paths"]
    assert "/gp/workers/{worker_id}/banks" in spec["paths"]


def test_prism_that_cannot_load_a_spec_fails_with_its_log(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"openapi": "3.0.1", "paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/nope"}}}}}}')
    with pytest.raises(pytest.fail.Exception, match=r"Prism exited|did not report") as failure:
        helper.start_prism(broken, tmp_path, timeout=30)
    assert "broken.json" in str(failure.value)
