"""EMA Lab for a lecture hall: several Streamlit processes behind nginx, in one command.

    python -m ema_lab.server --workers 4 --port 8080

A Streamlit process runs every session's script under one interpreter lock, so it
uses about one core. This starts ``--workers`` EMA Lab processes on local ports
(``--port`` + 1, + 2, ...), waits until each answers its health check, writes the
nginx configuration from ``deploy/nginx.conf.template`` and starts nginx in front
of them on ``--port``. It stays in the foreground: a worker that dies is started
again on its port (nginx routes its browsers to the others meanwhile, and they
reconnect to the new one), and Ctrl-C or SIGTERM stops nginx and every worker.
No process is left behind, not even if this one is killed: each child is told
by the kernel to stop when its parent dies.

Needs Debian's nginx (``apt-get install nginx``). For one person, ``streamlit run
app.py`` stays the way to start the app.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gzip
import importlib.util
import os
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ema_lab.model.site import WORKER_ENV, worker_name

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
TOO_LONG = ROOT / "deploy" / "too_long.html"  # the page for an address nginx cannot read
MIME_TYPES = Path("/etc/nginx/mime.types")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # The kernel sends SIGTERM to the child when this process dies, however it dies.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def upload_limit_mb(config: Path = ROOT / ".streamlit" / "config.toml") -> int:
    """The app's ``server.maxUploadSize`` in MB (Streamlit's default is 200)."""
    try:
        settings = tomllib.loads(config.read_text())
    except FileNotFoundError:
        return 200
    return int(settings.get("server", {}).get("maxUploadSize", 200))


ENVELOPE = 2**20
"""Bytes an upload's request carries beyond its file: the multipart boundary and headers."""


def request_body_limit() -> int:
    """nginx's ``client_max_body_size``, in bytes: the upload limit as the browser counts it
    (``maxUploadSize`` × 10⁶ bytes; it refuses a larger file before sending it) and the
    envelope. Streamlit's server counts MiB (× 2²⁰), a little more: so a file is refused, if
    at all, by the browser, with its own message, never by a 413 from nginx."""
    return upload_limit_mb() * 10**6 + ENVELOPE


STREAMLIT_STATIC = Path(importlib.util.find_spec("streamlit").origin).parent / "static"
"""The installed Streamlit's front-end: its ``static/`` folder holds the hashed assets."""


def static_copy(folder: Path) -> Path:
    """Streamlit's ``static/`` assets copied into ``folder`` (which nginx's workers can read,
    unlike a private install or checkout), each compressible file with a ``.gz`` beside it
    for ``gzip_static``: compressed once at start-up, not per request; and the page for an
    address too long to read (`TOO_LONG`). Returns the root."""
    target = folder / "static-root"
    shutil.copytree(STREAMLIT_STATIC / "static", target / "static")
    shutil.copy(STREAMLIT_STATIC / "favicon.png", target / "favicon.png")
    shutil.copy(TOO_LONG, target / TOO_LONG.name)
    for path in (target / "static").rglob("*"):
        if path.suffix in (".js", ".css", ".svg", ".json", ".map", ".txt", ".wasm"):
            path.with_name(path.name + ".gz").write_bytes(
                gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            )
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def nginx_config(
    listen: str,
    worker_ports: list[int],
    run_dir: Path,
    buffer_dir: Path | None = None,
    *,
    static_root: Path = STREAMLIT_STATIC,
    frame_ancestors: str = "*",
) -> str:
    """The nginx configuration for a public ``host:port`` in front of ``worker_ports``.

    ``run_dir`` holds the pid file and the log; ``buffer_dir`` (``run_dir`` by default)
    the folders nginx's worker processes write; ``static_root`` the folder whose
    ``static/`` and too-long page nginx serves itself (`static_copy`); ``frame_ancestors``
    the CSP's list of sites that may embed the pages (any, by default: blogs embed them).
    """
    upstreams = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in worker_ports
    )
    worker_names = "\n".join(
        f"        ~127\\.0\\.0\\.1:{p}$ {worker_name(i)};" for i, p in enumerate(worker_ports, 1)
    )
    # safe_substitute: nginx's own $variables stay as they are.
    text = string.Template(TEMPLATE.read_text()).safe_substitute(
        listen=listen,
        upstreams=upstreams,
        run_dir=run_dir,
        buffer_dir=buffer_dir or run_dir,
        mime_types=MIME_TYPES,
        max_body=request_body_limit(),
        static_root=static_root,
        worker_names=worker_names,
        frame_ancestors=frame_ancestors,
        too_long_page=static_root / TOO_LONG.name,
    )
    unfilled = [line for line in text.splitlines() if "${" in line.split("#")[0]]
    if unfilled:
        raise ValueError(f"unfilled field in {TEMPLATE}: {unfilled[0].strip()}")
    return text


# Removes the folders named on its command line when SIGTERM comes: from the kernel when the
# launcher dies, however it dies (PR_SET_PDEATHSIG), or from the launcher's own stop.
_JANITOR = """
import os, shutil, signal, sys
def clean(*_):
    for path in sys.argv[1:]:
        shutil.rmtree(path, ignore_errors=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, clean)
signal.signal(signal.SIGINT, signal.SIG_IGN)
if os.getppid() == 1:  # the launcher died before the kernel could be told
    clean()
while True:
    signal.pause()
"""


def janitor(*folders: Path) -> subprocess.Popen:
    """A small process that removes ``folders`` when this one dies, even by SIGKILL (no
    ``finally`` runs then): nginx's temporary folder is not left behind."""
    return subprocess.Popen(
        [sys.executable, "-c", _JANITOR, *map(str, folders)],
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def healthy(port: int, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout
        ) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass
class Worker:
    """One EMA Lab process on a local port, its log, and how often it was restarted."""

    port: int
    log: Path
    name: str  # as nginx names it to browsers (`worker_name`)
    process: subprocess.Popen | None = None
    restarts: int = 0
    started: float = field(default=0.0)
    serving: bool = True  # False from a restart until it answers its health check

    def start(self) -> None:
        cmd = [
            sys.executable, "-m", "ema_lab.server.worker",  # `streamlit run app.py`, warmed
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true",
        ]  # fmt: skip
        env = os.environ.copy()
        # Each session's script runs in a thread, and glibc gives threads arenas of their
        # own (up to 8 per core); two keep memory from scattering across them.
        env.setdefault("MALLOC_ARENA_MAX", "2")
        env[WORKER_ENV] = self.name
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                cmd,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # Ctrl-C reaches this process, which stops it in order
                preexec_fn=_die_with_parent,
            )
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM, wait: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)  # the process and anything it started
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Cluster:
    """The workers and nginx: start, supervise, stop."""

    def __init__(
        self,
        workers: int,
        port: int,
        run_dir: Path,
        *,
        host: str = "0.0.0.0",
        frame_ancestors: str = "*",
        say=None,
    ) -> None:
        self.host = host
        self.frame_ancestors = frame_ancestors
        self.port = port
        self.run_dir = run_dir
        self.say = say or (lambda text: print(text, flush=True))
        self.workers = [
            Worker(port + 1 + i, run_dir / f"worker-{port + 1 + i}.log", worker_name(i + 1))
            for i in range(workers)
        ]
        self.nginx: subprocess.Popen | None = None
        self.buffer_dir: Path | None = None
        self.janitor: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise SystemExit("nginx is not installed: apt-get install nginx")
        # Started by root, nginx's workers run as "nobody", who may not be able to enter the
        # run folder (a folder made by mkdtemp, or one inside it, is private to root): what
        # they write goes to a folder of their own in the system's temp folder.
        self.buffer_dir = Path(tempfile.mkdtemp(prefix="ema-lab-nginx-"))
        self.buffer_dir.chmod(0o755)
        self.janitor = janitor(self.buffer_dir)
        for w in self.workers:
            w.start()
        deadline = time.monotonic() + timeout
        for w in self.workers:
            while not healthy(w.port):
                if not w.alive():
                    raise SystemExit(f"worker on port {w.port} exited; see {w.log}")
                if time.monotonic() > deadline:
                    raise SystemExit(f"worker on port {w.port} did not become healthy")
                time.sleep(0.2)
            self.say(f"worker on 127.0.0.1:{w.port} is up")
        conf = self.run_dir / "nginx.conf"
        listen = f"{self.host}:{self.port}"
        conf.write_text(
            nginx_config(
                listen,
                [w.port for w in self.workers],
                self.run_dir,
                self.buffer_dir,
                static_root=static_copy(self.buffer_dir),
                frame_ancestors=self.frame_ancestors,
            )
        )
        test = subprocess.run(
            [nginx, "-t", "-q", "-p", str(self.run_dir), "-c", str(conf)],
            capture_output=True,
            text=True,
        )
        if test.returncode:
            raise SystemExit(f"nginx refused the configuration:\n{test.stderr}")
        self.nginx = subprocess.Popen(
            [nginx, "-p", str(self.run_dir), "-c", str(conf)],
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        while not healthy(self.port):
            if self.nginx.poll() is not None:
                raise SystemExit(f"nginx exited; see {self.run_dir / 'nginx-error.log'}")
            if time.monotonic() > deadline:
                raise SystemExit("nginx did not answer")
            time.sleep(0.1)
        self.say(
            f"EMA Lab: http://localhost:{self.port}/ ({len(self.workers)} workers, "
            f"nginx on {listen}; logs in {self.run_dir})"
        )

    def supervise_once(self) -> None:
        """Restart any worker that died; nginx meanwhile routes around it. Its browsers,
        moved to the next worker on the hash's ring while it was gone, come back on their
        own once it answers again: each page asks, and returns when its reader is idle
        (`ema_lab.ui.reconnect`). nginx is not reloaded: a reload closes every browser's
        stream, also those of the browsers that never moved, and a change made as it closed
        was lost."""
        for w in self.workers:
            if not w.alive():
                code = w.process.returncode if w.process else None
                w.restarts += 1
                w.serving = False
                self.say(f"worker on port {w.port} exited ({code}); starting it again")
                w.start()
            elif not w.serving and healthy(w.port, timeout=0.5):
                w.serving = True
                self.say(f"worker on port {w.port} is back; its browsers return as they go idle")
        if self.nginx is not None and self.nginx.poll() is not None:
            raise SystemExit(f"nginx exited ({self.nginx.returncode}); stopping")

    def stop(self) -> None:
        _stop(self.nginx, signal.SIGQUIT)  # graceful: open requests finish
        for w in self.workers:
            _stop(w.process)
        if self.buffer_dir is not None:
            shutil.rmtree(self.buffer_dir, ignore_errors=True)
        _stop(self.janitor)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ema_lab.server", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="EMA Lab processes (default: the number of cores)",
    )
    parser.add_argument("--port", type=int, default=8080, help="the public port (default 8080)")
    parser.add_argument(
        "--host",
        default="0.0.0.0",
        help="the address nginx listens on (default 0.0.0.0: every network the machine is on, "
        "so that a class can reach it; 127.0.0.1 for this machine only)",
    )
    parser.add_argument(
        "--run-dir", type=Path, help="where config and logs go (default: a temp dir)"
    )
    parser.add_argument(
        "--frame-ancestors",
        default="*",
        help="the sites that may embed the pages, as CSP frame-ancestors (default *: any "
        "blog; for example \"'self' https://blog.example.org\")",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="ema-lab-serve-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(
        args.workers,
        args.port,
        run_dir.resolve(),
        host=args.host,
        frame_ancestors=args.frame_ancestors,
    )

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        cluster.start()
        while True:
            time.sleep(0.5)
            cluster.supervise_once()
    except KeyboardInterrupt:
        print("stopping EMA Lab", flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
