"""Where an embedded service is: `juhe up` (or `juhe store`, `juhe broker`) writes each one's URL
into the data dir, so sibling processes on the same data dir find it without configuration."""

from __future__ import annotations

from pathlib import Path


def announced_url(configured: str | None, file: Path, setting: str, command: str) -> str:
    """The configured URL, else the one a running embedded service announced in `file`."""
    if configured:
        return configured
    if file.exists():
        return file.read_text().strip()
    raise RuntimeError(
        f"{setting} is unset and no embedded {command} is running: "
        f"start one with `juhe {command}` (or run everything with `juhe up`)"
    )
