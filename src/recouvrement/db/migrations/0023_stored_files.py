"""Issue 16 §1: the database storage's table, and the documents already on disk moved in.

When the configured storage is the database (RECOUVREMENT_STORAGE_URL unset or `database`),
every attached document and accounting file found under the old documents folder
(MEDIA_ROOT, i.e. DATA_DIR/documents) is copied into `StoredFile` under the same name, if its
SHA-256 is the one its row recorded. A missing or changed file is left as it is and named
(never fatal: `recouvrement verify` reports it). The files on disk are left where they are.
"""

import hashlib
import sys
from pathlib import Path

from django.db import migrations, models

DATABASE_BACKEND = "recouvrement.db.storage.DatabaseStorage"


def move_files_in(apps, schema_editor) -> None:
    from django.conf import settings

    if settings.STORAGES.get("default", {}).get("BACKEND") != DATABASE_BACKEND:
        return
    root = Path(settings.MEDIA_ROOT).resolve()
    if not root.is_dir():  # a new installation: nothing to move
        return
    stored_file = apps.get_model("recouvrement", "StoredFile")
    using = schema_editor.connection.alias
    stored = moved = 0
    for model_name in ("AttachedDocument", "AccountingImport"):
        model = apps.get_model("recouvrement", model_name)
        rows = model.objects.using(using).exclude(file="").order_by("pk")
        for name, digest in rows.values_list("file", "sha256").iterator():
            stored += 1
            if stored_file.objects.using(using).filter(name=name).exists():
                continue
            path = (root / name).resolve()
            try:
                if not path.is_relative_to(root):
                    raise FileNotFoundError(name)
                content = path.read_bytes()
            except OSError:
                print(f"Stockage : « {path} » introuvable, laissé tel quel.", file=sys.stderr)
                continue
            if hashlib.sha256(content).hexdigest() != digest:
                print(
                    f"Stockage : « {path} » a été modifié (empreinte différente), laissé sur "
                    "le disque.",
                    file=sys.stderr,
                )
                continue
            stored_file.objects.using(using).create(
                name=name, content=content, size=len(content), sha256=digest
            )
            moved += 1
    if moved:
        print(
            f"Stockage : {moved} fichier(s) sur {stored} copiés de « {root} » dans la base "
            "(les fichiers restent sur le disque).",
            file=sys.stderr,
        )


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0022_priority")]

    operations = [
        migrations.CreateModel(
            name="StoredFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=255, unique=True)),
                ("content", models.BinaryField()),
                ("size", models.BigIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name": "fichier stocké"},
        ),
        migrations.RunPython(move_files_in, migrations.RunPython.noop),
    ]
