"""A crawl lock: one `monitor crawl` per database at a time; a killed run's lock is taken over."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from types import TracebackType

from monitor.errors import MonitorError

logger = logging.getLogger(__name__)


class AlreadyRunning(MonitorError):
    """Another crawl holds the lock."""


class LockUnavailable(MonitorError):
    """The lock file cannot be created: the database's folder is not writable."""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CrawlLock:
    """An flock on `<db>.lock`: the kernel releases it when the holder dies, so no lock outlives its run."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self.handle: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only folder: say so instead of a traceback
            raise LockUnavailable(f"cannot create the lock {self.path} beside the database: "
                                  f"{exc.strerror or exc}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 64, 0).decode(errors="replace").strip() or "?"
            os.close(handle)
            raise AlreadyRunning(f"another crawl (pid {holder}) is running on this database; lock {self.path}") from None
        previous = os.pread(handle, 64, 0).decode(errors="replace").strip()
        if previous.isdigit() and int(previous) != os.getpid():
            state = "still running but not holding it" if pid_alive(int(previous)) else "no longer running"
            logger.warning("took over a stale lock left by pid %s (%s)", previous, state)
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            os.ftruncate(self.handle, 0)
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            os.close(self.handle)
            self.handle = None

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
