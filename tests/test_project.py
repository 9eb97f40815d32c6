"""Finding the project: --root, the checkout around the current folder, the shipped copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.errors import ProjectError
from kg.project import Project, find_project, shipped_project
from tests.conftest import ROOT, write_project


def test_explicit_root_wins(make_project, tmp_path):
    project = make_project()
    found = find_project(project.root, cwd=ROOT)
    assert (found.root, found.origin) == (project.root, "explicit")


def test_explicit_root_must_be_a_project(tmp_path):
    with pytest.raises(ProjectError, match="no such folder"):
        find_project(tmp_path / "nowhere")
    (tmp_path / "ontology").mkdir()
    with pytest.raises(ProjectError, match=r"not a restructuring-kg project \(no data/ folder\)"):
        find_project(tmp_path)


def test_the_checkout_around_the_current_folder(tmp_path):
    project = write_project(tmp_path / "mine", pyproject=True)
    (project.data_dir / "deep" / "er").mkdir(parents=True)
    for start in (project.root, project.data_dir, project.data_dir / "deep" / "er"):
        found = find_project(cwd=start)
        assert (found.root, found.origin) == (project.root, "checkout")


def test_this_checkout_is_found_from_inside_it():
    assert find_project(cwd=ROOT / "data").root == ROOT


def test_a_pyproject_of_another_project_is_not_a_checkout(tmp_path):
    root = tmp_path / "other"
    write_project(root)
    (root / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    assert find_project(cwd=root).origin == "shipped"


def test_outside_any_checkout_the_shipped_copy_is_used(tmp_path):
    found = find_project(cwd=tmp_path)
    assert found.origin == "shipped"
    assert found == shipped_project()
    # Run from a checkout (an editable install, these tests), the shipped copy is that checkout.
    assert found.root == ROOT


def test_file_lists(tmp_path):
    project = write_project(tmp_path / "p", data={"b.ttl": "", "a/z.ttl": "", "a.ttl": "", "notes.md": ""})
    (project.queries_dir / "org-chart.rq").write_text("SELECT * WHERE {}")
    assert [p.relative_to(project.data_dir).as_posix() for p in project.data_files] == ["a.ttl", "a/z.ttl", "b.ttl"]
    assert [p.relative_to(project.root).as_posix() for p in project.ontology_files] == [
        "ontology/imports/w3c-axioms.ttl", "ontology/restructuring.ttl"]
    assert project.shapes_file == project.root / "ontology" / "shapes.ttl"
    assert [p.name for p in project.query_files] == ["org-chart.rq"]


def test_default_build_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Project.at(ROOT, origin="checkout").default_build_dir == ROOT / "build"
    assert Project.at(ROOT, origin="shipped").default_build_dir == tmp_path / "build"


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory) -> Path:
    """The wheel of this checkout, unpacked as pip would install it into site-packages."""
    wheel_builder = pytest.importorskip("hatchling.builders.wheel", reason="hatchling (the test extra) builds the wheel")
    dist = tmp_path_factory.mktemp("dist")
    (wheel,) = list(wheel_builder.WheelBuilder(str(ROOT)).build(directory=str(dist), versions=["standard"]))
    site = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_ships_the_project_and_the_command(installed_wheel):
    shipped = installed_wheel / "kg" / "_shipped"
    for folder in ("ontology", "data", "queries"):
        theirs = sorted(p.relative_to(shipped / folder) for p in (shipped / folder).rglob("*") if p.is_file())
        ours = sorted(p.relative_to(ROOT / folder) for p in (ROOT / folder).rglob("*") if p.is_file())
        assert theirs == ours, folder
    (entry_points,) = installed_wheel.glob("*.dist-info/entry_points.txt")
    assert "kg = kg.cli:main" in entry_points.read_text()


def _installed_kg(site: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)  # only the unpacked wheel: not this checkout
    return subprocess.run([sys.executable, "-m", "kg", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_installed_package_works_outside_a_checkout(installed_wheel, tmp_path):
    script = ("import json, kg.project; p = kg.project.find_project(); "
              "print(json.dumps([str(p.root), p.origin, len(p.data_files)]))")
    env = dict(os.environ, PYTHONPATH=str(installed_wheel))
    located = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    root, origin, data_files = json.loads(located.stdout)
    assert (Path(root), origin) == (installed_wheel / "kg" / "_shipped", "shipped")
    assert data_files == len(list((ROOT / "data").rglob("*.ttl")))

    stats = _installed_kg(installed_wheel, tmp_path, "stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["data_files"] == data_files

    built = _installed_kg(installed_wheel, tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "build" / "graph.trig").is_file()  # ./build, outside any checkout
