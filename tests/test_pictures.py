"""The pictures in docs/img: one command regenerates them all, and they show what it draws now."""

from __future__ import annotations

import shlex
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import ROOT
from tests.pictures import needs_graphviz, run

SCRIPT = ROOT / "docs" / "img" / "pictures.sh"


def script_commands() -> list[list[str]]:
    return [shlex.split(line)[1:] for line in SCRIPT.read_text(encoding="utf-8").splitlines() if line.startswith("kg ")]


def drawn(data: bytes) -> tuple[list[str], list[str]]:
    """What a picture says, whatever Graphviz version laid it out: its texts and its tooltips."""
    root = ET.fromstring(data)
    texts = sorted(" ".join(t.split()) for t in root.itertext() if t.strip())
    titles = sorted(value for element in root.iter() for key, value in element.attrib.items() if key.endswith("title"))
    return texts, titles


def test_the_script_draws_every_picture_in_docs_img():
    outputs = {argv[argv.index("-o") + 1] for argv in script_commands()}
    committed = {str(path.relative_to(ROOT)) for path in (ROOT / "docs" / "img").glob("*.svg")}
    assert outputs == committed


@needs_graphviz
@pytest.mark.parametrize("argv", script_commands(), ids=lambda argv: argv[argv.index("-o") + 1])
def test_each_picture_is_what_its_command_draws_now(capsys, tmp_path, argv):
    at = argv.index("-o") + 1
    fresh = tmp_path / "fresh.svg"
    code, _, err = run(capsys, *argv[:at], fresh, *argv[at + 1:])
    assert code == 0, err
    # Regenerate with `sh docs/img/pictures.sh` if this fails.
    assert drawn((ROOT / argv[at]).read_bytes()) == drawn(fresh.read_bytes())
