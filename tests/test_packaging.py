"""Every data file the code reads ships with the package (pyproject's package-data), not only in a checkout."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_data_file_is_declared_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    declared = config["package-data"]
    for package in config["packages"]:
        for folder in ("data", "templates", "static"):
            for path in (ROOT / package / folder).glob("*"):
                relative = path.relative_to(ROOT / package).as_posix()
                globs = declared.get(package, [])
                assert any(fnmatch.fnmatch(relative, g) for g in globs), f"{package}/{relative} is not package data"
