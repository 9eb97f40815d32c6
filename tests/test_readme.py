"""The README's commands work when copied, in order, after its set-up command.

The tour's ``.venv/bin/kg ...`` lines run as written, in a copy of this checkout (with
``../shared`` beside it, as the sources are) after ``kg build``, each in a real process
of this environment's ``kg``; every one must exit 0.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SHARED = ROOT.parent / "shared"


def tour_commands() -> list[str]:
    """The ``.venv/bin/kg`` lines of the README's shell blocks after the set-up commands."""
    tour = README.split("\n## A one-screen tour\n", 1)[1]
    blocks = re.findall(r"```sh\n(.*?)```", tour, flags=re.S)
    return [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()
            if line.startswith(".venv/bin/kg ")]


def test_the_tour_has_commands():
    assert len(tour_commands()) >= 5


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A copy of the checkout's tracked project files, ``../shared`` beside it, built."""
    top = tmp_path_factory.mktemp("readme")
    checkout = top / "main"
    for name in ("ontology", "data", "queries", "pyproject.toml", "README.md"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name)
        else:
            checkout.mkdir(exist_ok=True)
            shutil.copy2(source, checkout / name)
    if SHARED.exists():
        (top / "shared").symlink_to(SHARED)
    kg(checkout, "kg build")
    return checkout


def kg(checkout: Path, command: str) -> subprocess.CompletedProcess:
    argv = shlex.split(command)
    assert argv[0].endswith("kg"), command
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "kg", *argv[1:]], cwd=checkout, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command}: exit {result.returncode}\n{result.stderr[-2000:]}"
    return result


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (the sources) is not beside the checkout")
@pytest.mark.parametrize("command", tour_commands())
def test_a_tour_command_works_when_copied(clone, command):
    result = kg(clone, command)
    assert result.stdout or list(clone.glob("kg.*")), f"{command}: printed nothing and wrote nothing"
