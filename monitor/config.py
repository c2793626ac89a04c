"""The deployment's configuration in one place: seeds folder, database, contact, overridable by environment."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_seeds() -> Path:
    """./seeds when it exists (a checkout or a deployment folder), else the seeds shipped beside the code."""
    local = Path("seeds")
    return local if (local / "sources.yaml").exists() else PROJECT_ROOT / "seeds"


@dataclass(frozen=True)
class Config:
    """Effective settings of a deployment; every field has an environment variable."""

    db: Path
    seeds: Path
    contact: str
    log_dir: Path | None
    feed_days: int
    error_rate_threshold: float
    drift_days: int

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        env = os.environ
        values: dict[str, object] = {
            "db": Path(env.get("MONITOR_DB", "astana.db")),
            "seeds": Path(env["MONITOR_SEEDS"]) if env.get("MONITOR_SEEDS") else default_seeds(),
            "contact": env.get("MONITOR_CONTACT", "https://github.com/astana-monitor/astana-monitor"),
            "log_dir": Path(env["MONITOR_LOG_DIR"]) if env.get("MONITOR_LOG_DIR") else None,
            "feed_days": int(env.get("MONITOR_FEED_DAYS", "3")),
            "error_rate_threshold": float(env.get("MONITOR_ERROR_RATE", "0.5")),
            "drift_days": int(env.get("MONITOR_DRIFT_DAYS", "14")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def scrapy_settings(self) -> dict[str, object]:
        return {
            "MONITOR_DB": str(self.db), "MONITOR_SEEDS": str(self.seeds), "MONITOR_CONTACT": self.contact,
            "MONITOR_FEED_DAYS": self.feed_days,
        }

    def describe(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}


ENVIRONMENT = {
    "db": "MONITOR_DB", "seeds": "MONITOR_SEEDS", "contact": "MONITOR_CONTACT", "log_dir": "MONITOR_LOG_DIR",
    "feed_days": "MONITOR_FEED_DAYS", "error_rate_threshold": "MONITOR_ERROR_RATE", "drift_days": "MONITOR_DRIFT_DAYS",
}
