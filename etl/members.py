"""Matching a row's name to one roster member: by 党员编号 when both sides have it, else by name
within the branch, then by name + 党小组 when the row has a group. No match, or several, is a row
issue naming the candidates — never a silent guess."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.normalize import compact

ROSTER_COLUMNS = [
    "member_id",
    "name",
    "member_code",
    "party_group",
    "category",
    "is_committee",
    "joined",
    "transferred_in",
    "transferred_out",
    "status",
]


def empty_roster() -> pd.DataFrame:
    return pd.DataFrame(columns=ROSTER_COLUMNS)


@dataclass(frozen=True)
class Unmatched:
    reason: str
    hint: str


def describe(candidates: pd.DataFrame, limit: int = 10) -> str:
    """The candidates as a message names them: at most ``limit``, then how many there are."""
    named = "、".join(
        f"{r.name}（{r.party_group or '未分组'}{'，已离开' if r.status == '离开' else ''}）"
        for r in candidates.head(limit).itertuples()
    )
    return named if len(candidates) <= limit else f"{named} 等 {len(candidates)} 人"


class MemberMatcher:
    def __init__(self, roster: pd.DataFrame):
        self.roster = roster.assign(
            _name=roster["name"].map(compact),
            _code=roster["member_code"].fillna("").map(compact),
            _group=roster["party_group"].fillna("").map(compact),
        )
        # positions, not a frame per name: a district's roster has thousands of names, a file a few
        self._by_name = self.roster.groupby("_name").indices
        self._by_code = {code: at for code, at in self.roster.groupby("_code").indices.items() if code}
        self._ids = self.roster["member_id"].to_numpy()
        self._groups = self.roster["_group"].to_numpy()
        self._cache: dict[tuple, int | Unmatched] = {}

    def knows(self, name) -> bool:
        """Whether any member (present or left) has this name: an unmatched name that some member has
        is ambiguous, not a stranger."""
        return compact(name) in self._by_name

    def match(self, name, code="", group="") -> int | Unmatched:
        key = (compact(name), compact(code), compact(group))
        if key not in self._cache:
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    def _resolve(self, name: str, code: str, group: str) -> int | Unmatched:
        if code and code in self._by_code and len(self._by_code[code]) == 1:
            return int(self._ids[self._by_code[code][0]])
        at = self._by_name.get(name)
        if at is None or not len(at):
            return Unmatched("名册中没有这位党员", "请检查姓名是否有错别字，或先上传包含此人的党员名册")
        if len(at) == 1:
            return int(self._ids[at[0]])
        if group:
            in_group = at[self._groups[at] == group]
            if len(in_group) == 1:
                return int(self._ids[in_group[0]])
        candidates = self.roster.iloc[at]
        return Unmatched(
            f"名册中有 {len(candidates)} 位同名党员：{describe(candidates)}", "请在该行填写党小组或党员编号以区分"
        )
