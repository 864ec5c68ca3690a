"""Configuration: YAML + environment overrides, secret references, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiresentry.app.config import load_config
from hiresentry.core.errors import ConfigError, SecretResolutionError
from hiresentry.core.levels import Level

KEY = "k" * 40


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hiresentry.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_env_references_and_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "store: {url: 'sqlite:///x.db'}\nkeys: {hmac_key: env:MY_KEY}\nscoring: {open_case_at: medium}\n"
        "jira: {url: 'https://jira.example', user: bot, token: env:JIRA_TOKEN}\n",
    )
    env = {"MY_KEY": KEY, "JIRA_TOKEN": "jira-secret-value", "HIRESENTRY__SCORING__LEVELS__HIGH": "80"}
    config = load_config(path, env)
    assert config.keys.hmac_key.get_secret_value() == KEY
    assert config.scoring.open_case_at is Level.MEDIUM
    assert config.scoring.levels.high == 80
    assert config.jira is not None
    assert "jira-secret-value" not in repr(config)


def test_default_key_comes_from_the_environment(tmp_path: Path) -> None:
    assert load_config(None, {"HIRESENTRY_HMAC_KEY": KEY}).keys.hmac_key.get_secret_value() == KEY
    with pytest.raises(SecretResolutionError, match="HIRESENTRY_HMAC_KEY is not set"):
        load_config(None, {})


def test_inline_secrets_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, f"keys: {{hmac_key: {KEY}}}\n")
    with pytest.raises(SecretResolutionError, match="never inline"):
        load_config(path, {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("keys: {hmac_key: env:K}\nstroe: {url: x}\n", "stroe: Extra inputs are not permitted"),
        ("keys: {hmac_key: env:K}\nscoring: {levels: {low: 50, medium: 40}}\n", "must ascend"),
        ("keys: {hmac_key: env:K}\nsources: [{name: 'a b', connector: export}]\n", "sources.0.name"),
        ("- just a list\n", "must hold a mapping"),
        ("keys: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text), {"K": KEY})


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml", {})
