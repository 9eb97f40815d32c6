"""docs/extending.md section 10, copied as it is: every command works, in order, in a real shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_extension import GUIDE, _write_guide


def section_10_commands() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("\n## 10. ", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```sh\n(.*?)^```", section, re.MULTILINE | re.DOTALL).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_section_10_works_when_copied(tmp_path):
    """In a folder holding my-extension/ (from the guide's snippets) beside ../shared/sources."""
    work = tmp_path / "checkout"
    work.mkdir()
    _write_guide(work)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "sources").symlink_to(ROOT.parent / "shared" / "sources")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    commands = section_10_commands()
    assert any(c.startswith("kg sources check") for c in commands) and len(commands) >= 6
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        if command.startswith("kg sources check"):
            assert ", 0 failed" in done.stdout, done.stdout
    assert (work / "my-graph.ttl").stat().st_size > 0 and (work / "example-robotics.svg").is_file()


def test_what_the_commands_write_in_a_checkout_is_ignored_by_git():
    outputs = ["build/graph.trig", "build-ext/graph.trig", "kg.ttl", "kg.nt", "my-graph.ttl", "my-sources/s.txt",
               "site/index.html", "example-robotics.svg", "march-to-june.png", "chart.dot",
               "benchmarks/results/20991231T000000Z.csv", ".build.tmp-123-0a1b2c3d/asserted.nt", ".kg.ttl.tmp-1-ab"]
    done = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", *outputs], capture_output=True, text=True)
    assert sorted(done.stdout.split()) == sorted(outputs), done.stderr
    kept = ["docs/img/timeline.svg", "data/alibaba.ttl", "my-extension/data/x.ttl"]
    done = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", *kept], capture_output=True, text=True)
    assert done.stdout == ""
