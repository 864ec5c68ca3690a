"""What every CLI module shares: the config option, consoles, the progress bar, small parsers."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from hiresentry.app.config import AppConfig, load_config

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="HIRESENTRY_CONFIG", help="YAML config file", exists=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
ActorOption = Annotated[str | None, typer.Option(help="who decides (default: $HIRESENTRY_ACTOR or the login name)")]

out = Console()
err = Console(stderr=True)


def load(path: Path | None) -> AppConfig:
    """The configuration from ``path`` (or defaults) plus environment overrides."""
    return load_config(path)


def actor(given: str | None) -> str:
    """Who is acting: the option, else ``$HIRESENTRY_ACTOR``, else the login name (for the audit log)."""
    return given or os.environ.get("HIRESENTRY_ACTOR") or getpass.getuser()


def day(text: str) -> dt.datetime:
    """``YYYY-MM-DD`` → midnight UTC of that day."""
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return dt.datetime.combine(parsed, dt.time(), tzinfo=dt.UTC)


def progress_bar(console: Console) -> Progress:
    """The progress bar every long command shows (on stderr when stdout carries JSON)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
