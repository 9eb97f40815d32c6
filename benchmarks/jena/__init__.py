"""Apache Jena ARQ (Debian's ``libapache-jena-java``) from Python: the class path, and
compiling a small Java runner against it. Used by the portability tests
(``tests/test_jena.py``, ``tests/jena/RunQueries.java``) and by the benchmark's Jena stage
(``benchmarks/run.py --stacks jena``, :file:`TimeQueries.java` beside this file).

Debian 12's Jena needs an explicit class path: its jars carry no ``Class-Path``, several
SLF4J bindings are installed side by side (one is chosen here: ``slf4j-nop``), and the
shaded Xerces looks for its message files under ``xerces/impl/...`` while the jar holds
them under ``org/apache/jena/ext/xerces/impl/...`` (without them, Jena's XSD datatypes
fail to initialise: "RuntimeException: internal error"). :func:`jena_classpath` copies
them to where they are looked for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Optional

__all__ = ["JARS", "JAVA", "TIME_QUERIES", "compile_runner", "jena_classpath", "missing", "version"]

JAVA = Path("/usr/share/java")
JARS = [
    *(f"jena-{name}.jar" for name in (
        "arq", "base", "core", "iri", "dboe-base", "dboe-index", "dboe-storage", "dboe-trans-data",
        "dboe-transaction", "tdb", "tdb2", "rdfconnection",
    )),
    "commons-cli.jar", "commons-codec.jar", "commons-compress.jar", "commons-csv.jar", "commons-io.jar",
    "commons-lang3.jar", "dexx.collection.jar", "gson.jar", "guava.jar", "httpclient.jar", "httpcore.jar",
    "jackson-core.jar", "jackson-databind.jar", "jackson-annotations.jar", "jsonld-java.jar", "thrift.jar",
    "protobuf.jar", "titanium-json-ld.jar", "jakarta.json-api.jar", "slf4j-api.jar", "slf4j-nop.jar",
]
#: The benchmark's timing runner.
TIME_QUERIES = Path(__file__).resolve().parent / "TimeQueries.java"


def missing() -> Optional[str]:
    """Why Jena cannot run here (a JDK's ``java`` and ``javac``, or a jar, not found), or ``None``."""
    jars = [jar for jar in JARS if not (JAVA / jar).exists()]
    tools = [tool for tool in ("java", "javac") if not shutil.which(tool)]
    if not jars and not tools:
        return None
    return ("Apache Jena ARQ (Debian's libapache-jena-java) and a JDK (default-jdk-headless) are needed: "
            f"not found: {', '.join([*tools, *jars][:4])}")


def jena_classpath(workdir: Path) -> str:
    """The class path of Debian's Jena 4.5 jars, with Xerces' message files where the
    shaded classes look for them (see the module docstring)."""
    fixed = workdir / "xerces-messages"
    with zipfile.ZipFile(JAVA / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = fixed / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return os.pathsep.join([*(str(JAVA / jar) for jar in JARS), str(fixed)])


def compile_runner(source: Path, workdir: Path) -> str:
    """Compile the Java runner ``source`` into ``workdir``; the class path to run it with."""
    classpath = jena_classpath(workdir)
    subprocess.run(["javac", "-d", str(workdir), "-cp", classpath, str(source)], check=True, capture_output=True)
    return os.pathsep.join([classpath, str(workdir)])


def version() -> str:
    """Jena's and Java's versions, as the benchmark records them (``Jena 4.5.0, Java 17.0.15``)."""
    # Debian names the version only in a link, jena-arq-<version>.jar, to jena-arq.jar.
    named = sorted(path.name for path in JAVA.glob("jena-arq-*.jar"))
    jena = named[-1].removeprefix("jena-arq-").removesuffix(".jar") if named else "?"
    shown = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.split('"')
    return f"Jena {jena}, Java {shown[1] if len(shown) > 1 else '?'}"
