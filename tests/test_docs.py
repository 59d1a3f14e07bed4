"""The docs stay true: every command has help text and appears in the README."""

from typer.main import get_command
from typer.testing import CliRunner

from cli import app
from tests.conftest import ROOT


def command_names() -> list[str]:
    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    names = command_names()
    assert {"ingest", "ask", "themes", "docs", "show", "forget", "check"} <= set(names)
    for name in names:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert len(result.output.strip().splitlines()) > 3, name
        assert f"dhr {name}" in readme, f"`dhr {name}` is not documented in README.md"


def test_help_does_not_load_the_model_or_chroma():
    import subprocess
    import sys

    code = ("import sys, cli; from typer.testing import CliRunner; CliRunner().invoke(cli.app, ['--help']); "
            "print(any(m.startswith(('sentence_transformers', 'chromadb', 'torch')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
