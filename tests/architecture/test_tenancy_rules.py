"""Tenancy is written once: tenant filters live in repositories, memberships in tenancy/.

A `.seller_id ==` comparison or a `Membership` query anywhere else is a second copy of the
rule that the next change may forget. Files that still carry some are listed in
`NOT_YET_MOVED` with their count: the count may only go down (move them into the module's
repository, then lower or delete the entry); a new file or a higher count fails.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "agentiq"

SELLER_FILTER = re.compile(r"\.seller_id\s*==")
MEMBERSHIP = re.compile(r"\bMembership\b")


def seller_filter_allowed(rel: str) -> bool:
    return (
        rel.endswith("/repository.py")
        or rel == "kit/repository.py"
        or rel.startswith(("tenancy/", "models/"))
    )


def membership_allowed(rel: str) -> bool:
    return rel.startswith(("tenancy/", "models/"))


# Known copies outside repositories, to be moved (comparisons of two ids in Python count too:
# deps.py and web/routes/common.py compare a principal's seller with a session's).
NOT_YET_MOVED: dict[str, int] = {
    "analytics/alerts.py": 10,
    "analytics/backfill.py": 6,
    "analytics/delivery.py": 1,
    "analytics/facts.py": 1,
    "analytics/fallback.py": 2,
    "analytics/home.py": 6,
    "analytics/pilot_qa.py": 1,
    "analytics/readiness.py": 4,
    "auth/endpoints.py": 1,
    "deps.py": 1,
    "ingestion/service.py": 1,
    "interactions/actions.py": 5,
    "interactions/metrics.py": 2,
    "interactions/search.py": 3,
    "interactions/service.py": 7,
    "linking/endpoints.py": 1,
    "linking/escalations.py": 13,
    "linking/service.py": 4,
    "web/routes/common.py": 1,
}


def occurrences(pattern: re.Pattern[str], allowed: object) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if callable(allowed) and allowed(rel):
            continue
        count = len(pattern.findall(path.read_text(encoding="utf-8")))
        if count:
            found[rel] = count
    return found


def test_the_scan_sees_the_rule_where_it_belongs() -> None:
    """Positive control: the patterns do match real tenant filters and membership queries."""
    everywhere = occurrences(SELLER_FILTER, None)
    assert everywhere["kit/repository.py"] >= 1
    assert everywhere["interactions/repository.py"] >= 1
    assert occurrences(MEMBERSHIP, None)["tenancy/repository.py"] >= 1


def test_seller_filters_only_in_repositories() -> None:
    found = occurrences(SELLER_FILTER, seller_filter_allowed)
    grown = {f: n for f, n in found.items() if n > NOT_YET_MOVED.get(f, 0)}
    assert grown == {}, (
        "`.seller_id ==` outside a repository (put the query in the module's repository.py, "
        f"which starts from its seller-scoped statement): {grown}"
    )


def test_the_not_yet_moved_list_only_shrinks() -> None:
    found = occurrences(SELLER_FILTER, seller_filter_allowed)
    stale = {f: n for f, n in NOT_YET_MOVED.items() if found.get(f, 0) < n}
    assert stale == {}, f"fewer copies than listed now: lower NOT_YET_MOVED to {dict(found)}"


def test_memberships_only_in_tenancy() -> None:
    found = occurrences(MEMBERSHIP, membership_allowed)
    assert found == {}, f"`Membership` outside tenancy/ (use MembershipRepository): {found}"
