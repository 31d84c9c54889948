"""Issue 16 §1: where every durable byte goes — one setting, `RECOUVREMENT_STORAGE_URL`.

- unset or `database`: the database itself (`DatabaseStorage`, one `StoredFile` row per file),
  so that a SQLite file or a PostgreSQL database is the one thing to back up;
- `file:///chemin/absolu` (or `file:` alone: the data folder's `documents`): a local folder;
- `s3://BUCKET[/prefixe]?endpoint_url=https://…&region=…`: an S3-compatible bucket
  (django-storages); the keys from the URL's `user:password@`, else the usual AWS_* variables.

Logos, print batches and evidence packs are BinaryFields already: they are in the database.
A file is written once under a name never reused (Django's `get_available_name`: a taken
name gets a random suffix) and never changed; a write is one row, inside the caller's
transaction (rolled back with it). A file is one value of the database: PostgreSQL's limit is
1 GB per value, SQLite's 1 GB per row (SQLITE_MAX_LENGTH); `RECOUVREMENT_IMPORT_MAX_BYTES`
(500 MB) keeps well under both. On PostgreSQL the bytes go and come back in binary (never the
doubled hex text); a file read is held once in memory, as the `ContentFile` returned.
"""

import contextlib
import errno
import hashlib
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible

DATABASE_BACKEND = "recouvrement.db.storage.DatabaseStorage"
FILE_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
KINDS = {DATABASE_BACKEND: "database", FILE_BACKEND: "file", S3_BACKEND: "s3"}
# s3://…?name=value: the parameters understood, and the S3Storage option each one sets.
S3_PARAMETERS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "region_name": "region_name",
    "addressing_style": "addressing_style",
    "signature_version": "signature_version",
}
EXPECTED = (
    "attendu : database, file:///chemin/absolu, ou "
    "s3://bucket?endpoint_url=https://…&region=… (clés : s3://clé:secret@bucket ou AWS_*)"
)


def _model():
    from recouvrement.db.models.storage import StoredFile

    return StoredFile


def _whole(content) -> bytes:
    """The bytes of a Django `File` (or any stream), read once from its start."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        content.seek(0)
    data = content.read()
    if isinstance(data, str):
        data = data.encode()
    return bytes(data)  # the same object when it is bytes already


@deconstructible(path=DATABASE_BACKEND)
class DatabaseStorage(Storage):
    """Django's storage API over the `StoredFile` table of the database `using`."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using

    # --- reading -------------------------------------------------------------------------

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        if any(flag in mode for flag in "wax+"):
            raise ValueError("Un fichier stocké ne s'ouvre qu'en lecture.")
        content = self._content(name)
        if content is None:
            raise FileNotFoundError(errno.ENOENT, "Fichier introuvable dans le stockage", name)
        return ContentFile(content, name=name)  # BytesIO shares the bytes: one copy

    def _content(self, name: str) -> bytes | None:
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            sql = f"SELECT content FROM {self._table()} WHERE name = %s"
            rows = self._postgresql(sql, [name], binary=True)
            return bytes(rows[0][0]) if rows else None
        content = self._rows(name).values_list("content", flat=True).first()
        return None if content is None else bytes(content)

    def exists(self, name: str) -> bool:
        return self._rows(name).exists()

    def size(self, name: str) -> int:
        size = self._rows(name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(errno.ENOENT, "Fichier introuvable dans le stockage", name)
        return size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/")
        prefix = f"{prefix}/" if prefix else ""
        names = self._manager().filter(name__startswith=prefix).values_list("name", flat=True)
        folders, files = set(), []
        for name in names.iterator():
            head, separator, _ = name[len(prefix) :].partition("/")
            if separator:
                folders.add(head)
            else:
                files.append(head)
        return sorted(folders), sorted(files)

    def get_created_time(self, name: str):
        created = self._rows(name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(errno.ENOENT, "Fichier introuvable dans le stockage", name)
        return created

    get_modified_time = get_accessed_time = get_created_time  # never modified

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Stored files are served by the app's views, never by URL.")

    # --- writing -------------------------------------------------------------------------

    def _save(self, name: str, content) -> str:
        """One row, in a savepoint of the caller's transaction: a name taken meanwhile by
        another transaction gives the next available one, never an overwrite."""
        data = _whole(content)
        digest = hashlib.sha256(data).hexdigest()
        while True:
            try:
                with transaction.atomic(using=self.using):
                    self._insert(name, data, digest)
                return name
            except IntegrityError:
                if not self.exists(name):
                    raise
                name = self.get_available_name(name)

    def _insert(self, name: str, data: bytes, digest: str) -> None:
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {self._table()} (name, content, size, sha256, created_at) "
                "VALUES (%s, %b, %s, %s, %s)"
            )
            self._postgresql(sql, [name, data, len(data), digest, timezone.now()])
        else:
            self._manager().create(name=name, content=data, size=len(data), sha256=digest)

    def delete(self, name: str) -> None:
        self._rows(name).delete()

    # --- helpers -------------------------------------------------------------------------

    def _manager(self):
        return _model().objects.using(self.using)

    def _rows(self, name: str):
        return self._manager().filter(name=name)

    def _table(self) -> str:
        return connections[self.using].ops.quote_name(_model()._meta.db_table)

    def _postgresql(self, sql: str, params: list, binary: bool = False) -> list[tuple]:
        """A server-side-binding cursor on Django's own connection (so, in its transaction):
        Django's client-side cursor would inline the bytes as hex text, twice their size."""
        import psycopg

        connection = connections[self.using]
        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=binary)
            return cursor.fetchall() if cursor.description else []


# --- RECOUVREMENT_STORAGE_URL -------------------------------------------------------------------


def _invalid(text: str, why: str) -> ImproperlyConfigured:
    parts = urlsplit(text)
    if parts.password is not None or parts.username is not None:  # never print a secret
        text = parts._replace(netloc=f"***@{parts.netloc.rpartition('@')[2]}").geturl()
    return ImproperlyConfigured(
        f"RECOUVREMENT_STORAGE_URL invalide : « {text} » ({why} ; {EXPECTED})."
    )


def storage_from_url(url: str | None, media_root: Path | str) -> dict:
    """Django's `STORAGES["default"]` for `RECOUVREMENT_STORAGE_URL` (see the module's text);
    ImproperlyConfigured with a French message when the URL is not understood."""
    text = (url or "").strip()
    if text.lower() in ("", "database", "database:", "database://"):
        return {"BACKEND": DATABASE_BACKEND}
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 — a port that is not a number is refused here
    except ValueError as error:
        raise _invalid(text, str(error)) from None
    scheme = parts.scheme.lower()
    if parts.fragment:
        raise _invalid(text, "fragment « # » inattendu")
    if scheme == "file":
        return _file(text, parts, Path(media_root))
    if scheme == "s3":
        return _s3(text, parts)
    raise _invalid(text, f"schéma « {parts.scheme or text} » inconnu")


def _file(text: str, parts, media_root: Path) -> dict:
    if parts.netloc not in ("", "localhost") or parts.query:
        raise _invalid(text, "un dossier local s'écrit file:///chemin/absolu")
    path = unquote(parts.path)
    location = Path(path) if path else media_root
    if not location.is_absolute():
        raise _invalid(text, "le chemin du dossier doit être absolu")
    return {"BACKEND": FILE_BACKEND, "OPTIONS": {"location": str(location)}}


def _s3(text: str, parts) -> dict:
    bucket = parts.netloc.rpartition("@")[2]
    if not bucket or parts.port is not None or ":" in bucket:
        raise _invalid(text, "nom du bucket manquant ou invalide")
    options: dict = {
        "bucket_name": bucket,
        "file_overwrite": False,  # a taken name gets another, as in the other storages
        "default_acl": None,
        "querystring_auth": False,
    }
    if prefix := unquote(parts.path).strip("/"):
        options["location"] = prefix
    if parts.username or parts.password:
        if not (parts.username and parts.password):
            raise _invalid(text, "clé d'accès et secret vont ensemble : s3://clé:secret@bucket")
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password)
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in S3_PARAMETERS:
            raise _invalid(text, f"paramètre « {key} » inconnu")
        if not value:
            raise _invalid(text, f"paramètre « {key} » vide")
        options[S3_PARAMETERS[key]] = value
    endpoint = options.get("endpoint_url")
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        raise _invalid(text, "endpoint_url doit commencer par http:// ou https://")
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def storage_kind(backend: dict) -> str:
    """`database`, `file` or `s3` (or the backend's class path) of a STORAGES entry."""
    return KINDS.get(backend.get("BACKEND", ""), backend.get("BACKEND", ""))


def put_exact(storage: Storage, name: str, content, sha256: str) -> None:
    """`content` stored under `name` itself (a restore): left as it is when the storage holds
    it already with that SHA-256; another content under that name is an error."""
    if storage.exists(name):
        digest = hashlib.sha256()
        with storage.open(name, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise FileExistsError(errno.EEXIST, "Autre contenu déjà stocké sous ce nom", name)
        return
    saved = storage.save(name, content)
    if saved != name:
        raise FileExistsError(errno.EEXIST, "Nom déjà pris dans le stockage", name)
