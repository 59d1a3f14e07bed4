"""`dhr(...)`: the CLI run in-process, as a user types it (exceptions propagate, so a traceback fails the test)."""

from __future__ import annotations

from click.testing import Result
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


def dhr(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)
