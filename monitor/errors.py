"""Errors the monitor reports to people: clear messages, never a traceback."""

from __future__ import annotations

from pathlib import Path


class MonitorError(Exception):
    """An error with a message meant for the operator."""


class SeedsError(MonitorError):
    """A file in the seeds folder is invalid; names the file and the field."""

    def __init__(self, file: Path | str, field: str, message: str) -> None:
        self.file = str(file)
        self.field = field
        self.message = message
        super().__init__(f"{self.file}: {field}: {message}")


class ArgumentError(MonitorError):
    """A spider or command argument has a bad value."""
