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


PACKAGE = DOMAIN.parent
WRITES = {"save", "delete", "update", "create", "get_or_create", "update_or_create"}


def _web_writes(path: Path, root: Path = PACKAGE) -> list[str]:
    """Calls that write (`.save(`, `.delete(`, `.update(`, `.create(`, `bulk_*`) or open a
    transaction, with their line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in WRITES or name.startswith("bulk_") or name in ("atomic", "set_rollback"):
                found.append(f"{path.relative_to(root)}:{node.lineno} .{name}(")
        elif isinstance(node, ast.Name) and node.id == "atomic":
            found.append(f"{path.relative_to(root)}:{node.lineno} atomic")
    return found


def test_the_web_layer_writes_nothing_itself():
    """Every write is a service's (one use case, one transaction, journaled): the views and
    forms read the request, call a service and render."""
    web = sorted((PACKAGE / "web").rglob("*.py"))

    offenders = [write for path in web for write in _web_writes(path)]

    assert web
    assert offenders == []


def test_the_write_detector_sees_each_kind_of_write(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "from django.db import transaction\n"
        "def view(r, obj, qs, Model):\n"
        "    obj.save()\n"
        "    qs.update(a=1)\n"
        "    Model.objects.create(a=1)\n"
        "    Model.objects.bulk_create([])\n"
        "    obj.file.delete(save=False)\n"
        "    with transaction.atomic():\n"
        "        pass\n"
        "    digest = hash(r)\n"
    )

    found = [line.split(" ", 1)[1] for line in _web_writes(sample, tmp_path)]

    assert found == [".save(", ".update(", ".create(", ".bulk_create(", ".delete(", ".atomic("]


def test_cli_and_web_reach_rendering_and_sending_only_through_services():
    """Letters are rendered and e-mails sent behind the services (their errors are service
    errors), so the UI, the command line and the API share one path."""
    callers = [
        *(PACKAGE / "web").rglob("*.py"),
        *PACKAGE.glob("cli*.py"),
        *PACKAGE.glob("cli/*.py"),
    ]

    offenders = {
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in callers
        for module in imported_modules(path)
        if module.startswith(("recouvrement.documents", "recouvrement.mailing"))
        or module in ("documents", "mailing")
    }

    assert callers
    assert offenders == set()
