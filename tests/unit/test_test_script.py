"""The README's `scripts/test` installs the system packages the suite needs first.

Each test runs the real scripts on a fake machine: PATH holds only a fake `id` (root or not), a
fake `apt-get` that records its calls (and "installs" what it is asked to), the fake tools that
are present, and bash; the PostgreSQL servers are looked for under a temporary folder.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALL_PACKAGES = ["chromium", "poppler-utils", "postgresql"]

FAKE_APT_GET = """#!{python}
import json, os, sys
from pathlib import Path

try:
    stdin = os.readlink("/proc/self/fd/0")
except OSError:
    stdin = "closed"
call = {{"args": sys.argv[1:], "frontend": os.environ.get("DEBIAN_FRONTEND"), "stdin": stdin}}
with open({log!r}, "a") as log:
    log.write(json.dumps({{"apt-get": call}}) + "\\n")
if {installs!r} and sys.argv[1] == "install":
    for package, files in {provides!r}.items():
        if package in sys.argv:
            for name in files:
                Path(name).parent.mkdir(parents=True, exist_ok=True)
                Path(name).write_text("#!/bin/sh\\n")
                Path(name).chmod(0o755)
"""


class FakeMachine:
    def __init__(self, tmp_path: Path):
        self.bin = tmp_path / "bin"
        self.tools = tmp_path / "tools"
        self.pg_lib = tmp_path / "postgresql"
        self.log = tmp_path / "calls.jsonl"
        self.repo = tmp_path / "repo"
        self.bin.mkdir()
        self.tools.mkdir()
        # The only real commands on PATH: what the scripts need besides the fakes.
        for tool in ("bash", "dirname", "readlink"):
            (self.tools / tool).symlink_to(shutil.which(tool))
        self.provides = {
            "chromium": [str(self.bin / "chromium")],
            "poppler-utils": [str(self.bin / "pdftotext"), str(self.bin / "pdftoppm")],
            "postgresql": [str(self.pg_lib / "17" / "bin" / "initdb")],
        }
        self.apt_installs(True)
        self.fake("python3", self.record("python3") + "\nexit 1")

    def record(self, command: str) -> str:
        """Shell lines appending `{command: [args]}` to the log."""
        code = "import json, sys; print(json.dumps({sys.argv[1]: sys.argv[2:]}))"
        return f"{sys.executable} -c '{code}' {command} \"$@\" >>{self.log}"

    def fake(self, name: str, body: str, folder: Path | None = None, script: str = "") -> None:
        """An executable `name` in `folder` (the fake bin): `body` run by sh, or `script` as is."""
        path = (folder or self.bin) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script or f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    def apt_installs(self, installs: bool) -> None:
        script = FAKE_APT_GET.format(
            python=sys.executable, log=str(self.log), installs=installs, provides=self.provides
        )
        self.fake("apt-get", "", script=script)

    def has(self, *files: str) -> None:
        for name in files:
            path = self.pg_lib / "16" / "bin" / name if name == "initdb" else self.bin / name
            self.fake(path.name, "", path.parent)

    def has_everything(self) -> None:
        self.has("chromium", "pdftotext", "pdftoppm", "initdb")

    def copy_into_repo(self, *paths: str) -> None:
        for path in paths:
            (self.repo / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / path, self.repo / path)

    def run(self, script: Path, *, root: bool) -> subprocess.CompletedProcess:
        self.fake("id", "echo 0" if root else "echo 1000")
        env = {
            "PATH": f"{self.bin}{os.pathsep}{self.tools}",
            "HOME": str(self.bin.parent),
            "RECOUVREMENT_POSTGRESQL_LIB": str(self.pg_lib),
        }
        # stdin is a pipe with answers in it: apt-get must read none of them.
        return subprocess.run(
            [str(script)], env=env, input="y\n" * 20, capture_output=True, text=True, timeout=60
        )

    def calls(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def apt_calls(self) -> list[dict]:
        return [call["apt-get"] for call in self.calls() if "apt-get" in call]


@pytest.fixture
def machine(tmp_path) -> FakeMachine:
    return FakeMachine(tmp_path)


SYSTEM_PACKAGES = ROOT / "scripts" / "system-packages"


def test_as_root_every_missing_package_is_named_and_installed_without_stdin(machine):
    result = machine.run(SYSTEM_PACKAGES, root=True)

    assert result.returncode == 0, result.stderr
    update, install = machine.apt_calls()
    assert update["args"][0] == "update"
    assert install["args"][:2] == ["install", "-y"]
    assert [arg for arg in install["args"] if not arg.startswith("-")][1:] == ALL_PACKAGES
    for call in (update, install):
        assert call["frontend"] == "noninteractive"
        assert call["stdin"] in ("/dev/null", "closed")
    (line,) = result.stdout.splitlines()
    assert "apt-get" in line
    assert all(package in line for package in ALL_PACKAGES)
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        (["pdftotext", "pdftoppm", "initdb"], "chromium"),
        (["chromium", "pdftotext", "initdb"], "poppler-utils"),
        (["chromium", "pdftoppm", "initdb"], "poppler-utils"),
        (["chromium", "pdftotext", "pdftoppm"], "postgresql"),
    ],
)
def test_as_root_only_the_missing_package_is_installed(machine, present, missing):
    machine.has(*present)

    result = machine.run(SYSTEM_PACKAGES, root=True)

    assert result.returncode == 0, result.stderr
    install = machine.apt_calls()[-1]
    assert [arg for arg in install["args"] if not arg.startswith("-")] == ["install", missing]
    assert missing in result.stdout


def test_not_root_prints_the_sudo_line_and_installs_nothing(machine):
    machine.has("pdftotext", "pdftoppm")

    result = machine.run(SYSTEM_PACKAGES, root=False)

    assert result.returncode != 0
    assert "sudo apt-get install chromium postgresql" in result.stderr.splitlines()
    assert machine.apt_calls() == []


@pytest.mark.parametrize("root", [True, False])
def test_nothing_happens_when_everything_is_there(machine, root):
    machine.has_everything()

    result = machine.run(SYSTEM_PACKAGES, root=root)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert machine.apt_calls() == []


def test_a_package_still_missing_after_apt_get_fails(machine):
    machine.apt_installs(False)

    result = machine.run(SYSTEM_PACKAGES, root=True)

    assert result.returncode != 0
    assert "chromium poppler-utils postgresql" in result.stderr


def test_scripts_test_stops_before_anything_when_packages_are_missing(machine):
    machine.copy_into_repo("scripts/test", "scripts/system-packages")

    result = machine.run(machine.repo / "scripts" / "test", root=False)

    assert result.returncode != 0
    assert "sudo apt-get install chromium poppler-utils postgresql" in result.stderr
    assert machine.calls() == []  # no venv created, no apt-get
    assert "Lint" not in result.stdout


def test_scripts_test_installs_the_packages_first_then_goes_on(machine):
    machine.copy_into_repo("scripts/test", "scripts/system-packages")

    result = machine.run(machine.repo / "scripts" / "test", root=True)

    # The fake python3 fails the venv creation, which ends the run there.
    assert result.returncode != 0
    commands = [next(iter(call)) for call in machine.calls()]
    assert commands == ["apt-get", "apt-get", "python3"]
    assert machine.calls()[-1]["python3"] == ["-m", "venv", ".venv"]


def test_ci_runs_the_readme_command(machine):
    machine.copy_into_repo(".ci/run")
    machine.fake("test", machine.record("scripts/test"), machine.repo / "scripts")

    result = machine.run(machine.repo / ".ci" / "run", root=True)

    assert result.returncode == 0, result.stderr
    assert machine.calls() == [{"scripts/test": []}]
