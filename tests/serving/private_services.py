"""A Redis server and a PostgreSQL cluster of the test's own, on free loopback ports, to stop and start at will.

The machine's shared services stay untouched (other tests use them at the same time).
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from redis import Redis

from tests.live_server import free_port


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if Redis.from_url(self.url, socket_connect_timeout=0.5).ping():
                    return self
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


class PrivatePostgres:
    """initdb + pg_ctl in a temporary folder, run as the postgres system user when the tests run as root."""

    def __init__(self):
        self.bin = _postgres_bin()
        # directly under the temporary directory: the postgres user cannot enter pytest's root-only folders
        self.folder = Path(tempfile.mkdtemp(prefix="crm-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def available(self) -> bool:
        return self.bin is not None and (os.geteuid() != 0 or shutil.which("runuser") is not None)

    def _run(self, *command: str, timeout: int = 120):
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def init(self, replication: bool = False):
        """initdb; with replication=True the cluster can serve a streaming standby (PrivateStandby)."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        if replication:
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write("\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")
            with open(self.data / "pg_hba.conf", "a") as hba:
                hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
        return self

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "start")

    def stop(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateStandby(PrivatePostgres):
    """A hot standby of a running PrivatePostgres(init(replication=True)): pg_basebackup -R, own port."""

    def __init__(self, primary: PrivatePostgres):
        super().__init__()
        self.primary = primary

    @property
    def available(self) -> bool:
        return super().available and (self.bin / "pg_basebackup").exists()

    def init(self, replication: bool = False):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
                  "-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
        return self
