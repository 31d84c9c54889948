"""`bench --only serve` (issue 16 §4): `recouvrement serve --workers N` in a child process,
driven over HTTP by a built-in load client; requests per second and latency percentiles.

The servers run on the bench's database (the temporary SQLite file, or PostgreSQL through
RECOUVREMENT_DATABASE_URL), each started with `--no-migrate` on a free port. The load client
is threads in this process, one keep-alive connection each (`HttpSession`), each logged in
once through the login form; every request rotates over the dossier list, a dossier page and
the worklist. The client shares the machine's cores with the server: the figures say so, with
the share of a core the client itself used.

Tuned by the environment (defaults in brackets): RECOUVREMENT_BENCH_SECONDS [10] measured per
run, RECOUVREMENT_BENCH_WORKERS [1,2,3], RECOUVREMENT_BENCH_CLIENTS [1,16],
RECOUVREMENT_BENCH_THREADS [serve's default] threads per server process.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from recouvrement.bench import data
from recouvrement.db.models import Collaborator, Company, Dossier, Membership
from recouvrement.domain.statuses import Role

PASSWORD = "Banc-Essai-Serveur-2026"
USERS = 4  # two managers, two collectors with their own dossiers; clients take them in turn
DOSSIER_PAGES = 50  # distinct dossier pages the clients rotate over
WARM_UP_SECONDS = 2.0
START_SECONDS = 180  # a server that does not answer by then is a failure


def _setting(name: str, default: str) -> list[int]:
    return [int(part) for part in os.environ.get(name, default).split(",") if part.strip()]


class HttpSession:
    """One browser: a keep-alive HTTP/1.1 connection and its cookies (session, CSRF)."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        headers = {**(headers or {}), "Host": "localhost"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed an idle keep-alive connection: once more on a new one.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers.items()), content

    def get(self, path: str) -> tuple[int, bytes]:
        status, _, content = self.request("GET", path)
        return status, content

    def csrf_token(self, path: str) -> str:
        """The form's CSRF token, read from the page at `path`."""
        status, content = self.get(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if match is None:
            raise RuntimeError(f"{path} a répondu {status} sans formulaire.")
        return match.group(1).decode()

    def post_form(self, path: str, fields: dict, token_from: str | None = None) -> tuple:
        fields = {"csrfmiddlewaretoken": self.csrf_token(token_from or path), **fields}
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body, headers)

    def log_in(self, username: str, password: str) -> tuple[int, bytes]:
        status, _, content = self.post_form(
            reverse("login"), {"username": username, "password": password}
        )
        return status, content

    def close(self) -> None:
        self.connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`recouvrement serve --no-migrate` in a child process, on a free port, until `stop()`."""

    def __init__(self, env: dict, log: Path, workers: int, threads: int | None = None) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "recouvrement.cli", "serve", "--no-migrate", "--no-worker"]
        command += ["--port", str(self.port), "--workers", str(workers)]
        if threads is not None:
            command += ["--threads", str(threads)]
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Le serveur s'est arrêté :\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                session = HttpSession(self.port)
                status, _ = session.get(reverse("login"))
                session.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Le serveur ne répond pas :\n{self.log.read_text()}")

    def cpu_seconds(self) -> float | None:
        """CPU time of the server and its workers so far (Linux's /proc), else None."""
        total, tick = 0, os.sysconf("SC_CLK_TCK")
        try:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:  # a process that ended meanwhile
                    continue
                pid, ppid = int(stat.parent.name), int(fields[1])
                if self.process.pid in (pid, ppid):
                    total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError):
            return None
        return total / tick

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_env(folder: Path) -> dict:
    """The bench's database, its own data folder, one secret key for every server it starts
    (a session opened on one is valid on the next)."""
    return {
        **os.environ,
        "RECOUVREMENT_DATA_DIR": str(folder),
        "RECOUVREMENT_SECRET_KEY": os.environ.get("RECOUVREMENT_SECRET_KEY")
        or secrets.token_urlsafe(50),
        "PYTHONUNBUFFERED": "1",
    }


def bench_users(company: Company) -> list[str]:
    """USERS users with a password: managers and collectors (each with bench dossiers)."""
    collectors = list(Collaborator.objects.filter(company=company).order_by("pk")[:USERS])
    names = []
    for n in range(USERS):
        name = f"banc-serveur-{n}"
        user = User.objects.create_user(name, password=PASSWORD)
        role = Role.MANAGER if n % 2 == 0 else Role.COLLECTOR
        Membership.objects.create(user=user, company=company, role=role)
        if role is Role.COLLECTOR:
            Collaborator.objects.filter(pk=collectors[n].pk).update(user=user)
        names.append(name)
    return names


def page_paths(company: Company, today: date) -> list[str]:
    """What a client asks in turn: the list, a dossier page, the worklist; the dossier pages
    rotate over DOSSIER_PAGES dossiers spread over the table."""
    pks = list(Dossier.objects.filter(company=company).order_by("pk").values_list("pk", flat=True))
    step = max(len(pks) // DOSSIER_PAGES, 1)
    worklist = f"{reverse('worklist')}?{urlencode({'jusqu_au': today.isoformat()})}"
    paths = []
    for pk in pks[::step][:DOSSIER_PAGES]:
        paths += [reverse("dossier_list"), reverse("dossier_detail", args=[pk]), worklist]
    return paths


def drive(
    sessions: list[HttpSession],
    paths: list[str],
    seconds: float,
    warm_up: float,
    server_cpu: Callable[[], float | None] = lambda: None,
) -> dict:
    """Each session asks `paths` in turn (each from its own place) for `warm_up` + `seconds`;
    the figures cover the last `seconds` only. `server_cpu`: the server's CPU seconds so far,
    for its CPU time per request (what bounds the throughput on a shared machine)."""
    started = time.monotonic()
    measure_from, stop_at = started + warm_up, started + warm_up + seconds
    latencies: list[list[float]] = [[] for _ in sessions]
    errors: list[list[str]] = [[] for _ in sessions]
    cpu = {}

    def client(index: int) -> None:
        session, k = sessions[index], index * 7
        while (now := time.monotonic()) < stop_at:
            path = paths[k % len(paths)]
            k += 1
            try:
                status, _ = session.get(path)
            except OSError as error:
                status = f"{type(error).__name__}"
            done = time.monotonic()
            if now >= measure_from:
                latencies[index].append(done - now)
                if status != 200:
                    errors[index].append(f"{status} {path}")

    def mark_cpu() -> None:
        time.sleep(max(measure_from - time.monotonic(), 0))
        cpu["start"] = (time.process_time(), time.monotonic(), server_cpu())

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(sessions))]
    marker = threading.Thread(target=mark_cpu)
    for thread in [*threads, marker]:
        thread.start()
    for thread in [*threads, marker]:
        thread.join()
    process, wall = time.process_time() - cpu["start"][0], time.monotonic() - cpu["start"][1]
    server_start, server_end = cpu["start"][2], server_cpu()
    times = sorted(t for per_client in latencies for t in per_client)
    failures = [e for per_client in errors for e in per_client]
    return {
        "requests": len(times),
        "requests_per_s": round(len(times) / seconds, 1),
        "p50_ms": _percentile_ms(times, 50),
        "p95_ms": _percentile_ms(times, 95),
        "p99_ms": _percentile_ms(times, 99),
        "errors": len(failures),
        "first_errors": failures[:5],
        "client_cpu_percent": round(100 * process / wall, 1),
        "server_cpu_ms_per_request": (
            round((server_end - server_start) * 1000 / len(times), 1)
            if times and server_start is not None and server_end is not None
            else None
        ),
    }


def _percentile_ms(sorted_times: list[float], percent: int) -> float | None:
    """The nearest-rank percentile: the smallest time that `percent` % of the requests met."""
    if not sorted_times:
        return None
    rank = max(-(-len(sorted_times) * percent // 100), 1)  # ceil
    return round(sorted_times[rank - 1] * 1000, 1)


def run(engine: str, size: int, today: date) -> Iterator[dict]:
    seconds = float(os.environ.get("RECOUVREMENT_BENCH_SECONDS", 10))
    workers = _setting("RECOUVREMENT_BENCH_WORKERS", "1,2,3")
    clients = _setting("RECOUVREMENT_BENCH_CLIENTS", "1,16")
    threads = (
        int(os.environ["RECOUVREMENT_BENCH_THREADS"])
        if "RECOUVREMENT_BENCH_THREADS" in os.environ
        else None
    )
    started = time.perf_counter()
    company = data.build(size, today)
    users = bench_users(company)
    if engine == "postgresql":  # the statistics autovacuum keeps on a server in use
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    paths = page_paths(company, today)
    yield {
        "bench": "build",
        "engine": engine,
        "dossiers": size,
        "seconds": round(time.perf_counter() - started, 2),
    }
    cores = os.cpu_count()
    note = f"le client de charge tourne sur la même machine et partage ses {cores} cœurs"
    with tempfile.TemporaryDirectory(prefix="recouvrement-bench-serve-") as folder:
        env = server_env(Path(folder))
        sessions: list[HttpSession] = []
        single: dict[int, float] = {}
        for count in workers:
            server = Server(env, Path(folder) / f"serve-{count}.log", count, threads)
            try:
                server.wait_until_ready()
                sessions = _logged_in(sessions, max(clients), users, server.port)
                for n in clients:
                    figures = drive(
                        sessions[:n], paths, seconds, WARM_UP_SECONDS, server.cpu_seconds
                    )
                    single.setdefault(n, figures["requests_per_s"])
                    yield {
                        "bench": "serve",
                        "engine": engine,
                        "dossiers": size,
                        "workers": count,
                        "threads": threads or 8,
                        "clients": n,
                        "seconds": seconds,
                        **figures,
                        "speedup": round(figures["requests_per_s"] / max(single[n], 0.1), 2),
                        # The most the cores could serve at this CPU per request (the database
                        # server's own CPU not counted: PostgreSQL runs in its own processes).
                        "cpu_bound_requests_per_s": (
                            round(cores * 1000 / cpu_ms, 1)
                            if (cpu_ms := figures["server_cpu_ms_per_request"])
                            else None
                        ),
                        "cores": cores,
                        "note": note,
                    }
            finally:
                for session in sessions:
                    session.close()
                server.stop()


def _logged_in(
    sessions: list[HttpSession], count: int, users: list[str], port: int
) -> list[HttpSession]:
    """`count` sessions on the server at `port`: the ones logged in before (their cookies,
    on a new connection), else a login through the form each."""
    if sessions:
        moved = []
        for old in sessions:
            session = HttpSession(port)
            session.cookies = dict(old.cookies)
            moved.append(session)
        return moved
    for n in range(count):
        session = HttpSession(port)
        status, content = session.log_in(users[n % len(users)], PASSWORD)
        if status != 302:
            raise RuntimeError(f"Connexion refusée ({status}) : {content[:300]!r}")
        sessions.append(session)
    return sessions
