"""Private files: the instance folder (database, uploads, exports, keys) is readable by its owner only.

Every process that creates files there (web server, CLI, job worker) builds the app through
create_app(), which sets a 077 umask first: SQLite's database, WAL and SHM files, uploads and exports
are then created 0600 in 0700 folders, with no moment where they were readable by others.
"""

import os
import secrets
from pathlib import Path

PRIVATE_UMASK = 0o077
ADMIN_PASSWORD_NAME = "admin_password.txt"


def restrict_new_files() -> None:
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create the folder 0700; an existing one that others can enter (older installs) is closed."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Create a file 0600 from the moment it exists, complete or not at all.

    Raises FileExistsError when it is already there (another worker may have won the race).
    """
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.link(draft, path)  # atomic, and refuses to replace an existing file
    finally:
        draft.unlink()


def admin_password_file(instance_dir: Path) -> Path:
    return instance_dir / ADMIN_PASSWORD_NAME


def forget_admin_password(instance_dir: Path) -> bool:
    """The initial admin password has been changed: its note is no longer true, remove it."""
    try:
        admin_password_file(instance_dir).unlink()
    except FileNotFoundError:
        return False
    return True
