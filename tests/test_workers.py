"""The extraction pool: results come back to the event loop; a stuck worker is replaced, not waited for."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitor.workers import WorkerTimeout, run_in_pool, shutdown_pool


def test_a_stuck_page_times_out_and_the_pool_recovers() -> None:
    async def scenario() -> tuple[int, float]:
        started = time.monotonic()
        with pytest.raises(WorkerTimeout):
            await run_in_pool(1, time.sleep, 30, timeout=1.0)
        waited = time.monotonic() - started
        return await run_in_pool(1, abs, -3), waited

    try:
        result, waited = asyncio.run(scenario())
    finally:
        shutdown_pool(kill=True)
    assert result == 3
    assert waited < 20   # the 30 s sleep was abandoned, not waited for
