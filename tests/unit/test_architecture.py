"""The domain package stays pure: it imports nothing from Django nor from the rest of the app."""

import ast
import subprocess
import sys
from pathlib import Path

import recouvrement.domain

DOMAIN = Path(recouvrement.domain.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_domain_module_imports_django_or_other_layers():
    offenders = {
        f"{path.name}: {module}"
        for path in DOMAIN.glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] == "django"
        or (module.startswith("recouvrement.") and not module.startswith("recouvrement.domain"))
    }

    assert offenders == set()


def test_importing_the_whole_domain_loads_no_django_module():
    code = (
        "import sys, pkgutil, importlib, recouvrement.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module(f'{d.__name__}.{m.name}')\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'django'))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


def test_the_domain_reads_no_clock():
    sources = "\n".join(p.read_text() for p in DOMAIN.glob("*.py"))

    for forbidden in ("date.today(", "datetime.now(", "time.time(", "timezone.now("):
        assert forbidden not in sources


def test_the_readers_import_only_the_domain():
    readers = Path(recouvrement.domain.__file__).parent.parent / "imports"
    offenders = {
        f"{path.name}: {module}"
        for path in readers.glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] == "django"
        or (
            module.startswith("recouvrement.")
            and not module.startswith(("recouvrement.domain", "recouvrement.imports"))
        )
    }

    assert list(readers.glob("*.py"))
    assert offenders == set()
