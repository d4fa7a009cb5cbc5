"""Which workers run in which process: `JUHE_WORKER_PROCESSES`.

`0` runs every worker inside the API's process; `N` runs N worker processes, each hosting every
worker (competing consumers on every queue); `order,inventory;wallet` runs one process per
`;`-separated group, hosting the workers it names.
"""

from __future__ import annotations

import re

#: Stands for every known worker in a group.
EVERY_WORKER = "*"
MAX_PROCESSES = 64
_NAME = re.compile(r"^[a-z_]+$")


def parse_worker_plan(text: str) -> list[list[str]]:
    """The groups of worker names, one per process ([] = inline); ValueError names the problem."""
    text = text.strip()
    if text.isdigit():
        count = int(text)
        if count > MAX_PROCESSES:
            raise ValueError(f"at most {MAX_PROCESSES} worker processes, got {count}")
        return [[EVERY_WORKER] for _ in range(count)]
    groups = [[name.strip() for name in group.split(",") if name.strip()] for group in text.split(";")]
    if not text or any(not group for group in groups):
        raise ValueError("a number of processes, or ';'-separated groups of ','-separated worker names")
    bad = sorted({name for group in groups for name in group if not _NAME.match(name)})
    if bad:
        raise ValueError(f"not a worker name: {', '.join(bad)}")
    return groups


def resolve_groups(groups: list[list[str]], known: list[str]) -> list[list[str]]:
    """Each group with `*` spelled out; every known worker must run somewhere."""
    resolved = [list(known) if group == [EVERY_WORKER] else group for group in groups]
    unknown = sorted({name for group in resolved for name in group} - set(known))
    if unknown:
        raise ValueError(f"unknown worker {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    missing = [name for name in known if all(name not in group for group in resolved)]
    if resolved and missing:
        raise ValueError(f"no process hosts {', '.join(missing)}; name every worker in some group")
    return resolved
