"""Who may see what: a caller's role and the branches it covers, passed to every query.

A signed-in account gives its scope (etl.accounts.Account.scope); the app's local mode, before any
account exists, is a 书记 of every branch (``SECRETARY``). Every query takes the caller's scope as a
required keyword and refuses what lies outside it.

- 书记 secretary: everything of her branches, member names included.
- 领导 leadership: her branches' pages, member names included (who needs attention, a 党员档案).
- 区教育局 district: branch-level numbers of every branch, no member rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.errors import VanguardError

ROLES = ("secretary", "leadership", "district")


class OutOfScope(VanguardError):
    """A query for a branch, or for member rows, the caller may not see."""


@dataclass(frozen=True)
class Scope:
    role: str = "secretary"
    branches: frozenset[str] | None = None  # None: every branch

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def sees_members(self) -> bool:
        return self.role in ("secretary", "leadership")

    @property
    def sees_names_of_non_studiers(self) -> bool:
        """Who did not study at all is for the secretary to follow up, nobody else."""
        return self.role == "secretary"

    def allows(self, branch: str) -> bool:
        return self.branches is None or branch in self.branches

    def check(self, branch: str, members: bool = False) -> None:
        if not self.allows(branch):
            raise OutOfScope(f"没有查看“{branch}”的权限")
        if members and not self.sees_members:
            raise OutOfScope("区级账号只能查看支部层面的指标，不能查看党员明细")


SECRETARY = Scope()
DISTRICT = Scope("district")
