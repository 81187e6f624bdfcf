"""A matching instance (contract `shared/contracts/matching.md`): parsing and validation.

Everything is turned into integer indices once, here, so that the engine, the stability check and
the explanations work on plain lists. Errors name the JSON path of the first problem found, e.g.
`candidates[3].preferences[1]: unknown program "CARDIO-CAS"`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

TOP_LEVEL_KEYS = ("programs", "quotas", "candidates")
PROGRAM_KEYS = ("id", "capacity", "ranking")
QUOTA_KEYS = ("id", "capacity", "programs")
CANDIDATE_KEYS = ("id", "rank", "preferences")


class InstanceError(ValueError):
    """An invalid instance; `str()` is `path: message`."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass
class Instance:
    """Programs, quotas and candidates as parallel lists indexed by position in the input.

    - `program_ranking[p]`: list of candidate indices, best first, or None (the master list);
      -1 stands for an id of the ranking that is not a candidate of the instance (it still takes
      its position: cutoffs are 1-based positions in the program's list as given).
    - `quota_programs[q]`: program indices; `program_quotas[p]`: quota indices containing p.
    - `candidate_prefs[c]`: program indices, most wanted first.
    """

    program_ids: list[str]
    program_capacity: list[int]
    program_ranking: list[list[int] | None]
    quota_ids: list[str]
    quota_capacity: list[int]
    quota_programs: list[list[int]]
    candidate_ids: list[str]
    candidate_rank: list[int]
    candidate_prefs: list[list[int]]
    program_quotas: list[list[int]] = field(default_factory=list)

    def __post_init__(self):
        if not self.program_quotas:
            self.program_quotas = [[] for _ in self.program_ids]
            for q, progs in enumerate(self.quota_programs):
                for p in progs:
                    self.program_quotas[p].append(q)

    @property
    def has_rankings(self) -> bool:
        return any(r is not None for r in self.program_ranking)

    def by_rank(self) -> list[int]:
        """Candidate indices in merit order (rank 1 first)."""
        rank = self.candidate_rank
        return sorted(range(len(rank)), key=rank.__getitem__)

    def position_maps(self) -> list[dict[int, int] | None]:
        """For each program with a ranking: candidate index -> 1-based position; None otherwise.
        Computed once (the instance is not meant to be modified after parsing)."""
        maps = self.__dict__.get("_position_maps")
        if maps is None:
            # dict(zip()) runs in C, several times faster than a comprehension, and zip() stops
            # at the ranking's end, so every map can take its values from one list of positions
            # (the same int objects for all programs, not one new int per entry). The -1
            # placeholders (ids that are not candidates) land on one key, dropped after.
            positions = list(range(1, max(map(len, filter(None, self.program_ranking)), default=0) + 1))
            maps = []
            for ranking in self.program_ranking:
                if ranking is None:
                    maps.append(None)
                    continue
                by_candidate = dict(zip(ranking, positions))
                by_candidate.pop(-1, None)
                maps.append(by_candidate)
            self.__dict__["_position_maps"] = maps
        return maps


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_keys(obj: dict, allowed: tuple[str, ...], path: str) -> None:
    for key in obj:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise InstanceError(where, f"unknown key (expected one of: {', '.join(allowed)})")


def _object(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise InstanceError(path, "must be an object")
    return value


def _list(value, path: str) -> list:
    if not isinstance(value, list):
        raise InstanceError(path, "must be a list")
    return value


def _id(obj: dict, path: str) -> str:
    if "id" not in obj:
        raise InstanceError(path, 'missing "id"')
    value = obj["id"]
    if not isinstance(value, str) or not value:
        raise InstanceError(f"{path}.id", "must be a non-empty string")
    return value


def _capacity(obj: dict, path: str) -> int:
    if "capacity" not in obj:
        raise InstanceError(path, 'missing "capacity"')
    value = obj["capacity"]
    if not _is_int(value):
        raise InstanceError(f"{path}.capacity", "must be an integer")
    if value < 0:
        raise InstanceError(f"{path}.capacity", f"must be >= 0, got {value}")
    return value


def _ids(value, path: str, known: dict[str, int], what: str, allow_unknown: bool = False) -> list[int]:
    """A list of ids without duplicates, as indices; an unknown id is an error, or -1 with
    `allow_unknown`."""
    if type(value) is list:
        # Fast path, in C loops (map, set), for a list of known ids without duplicates: the
        # rankings of a large instance hold as many ids as all the wishes together. Anything else
        # (an unknown id, even where allowed, a non-string, a duplicate) takes the loop below,
        # which builds the -1 placeholders or names the first problem.
        try:
            out = list(map(known.__getitem__, value))
        except (KeyError, TypeError):  # unknown or not a string (unhashable: TypeError)
            pass
        else:
            if len(set(out)) == len(out):
                return out
    seen: set = set()
    out = []
    for i, item in enumerate(_list(value, path)):
        if not isinstance(item, str):
            raise InstanceError(f"{path}[{i}]", f"must be a {what} id (string)")
        idx = known.get(item)
        if idx is None:
            if not allow_unknown:
                raise InstanceError(f"{path}[{i}]", f'unknown {what} "{item}"')
            if item in seen:
                raise InstanceError(f"{path}[{i}]", f'duplicate {what} "{item}"')
            seen.add(item)
            out.append(-1)
            continue
        if idx in seen:
            raise InstanceError(f"{path}[{i}]", f'duplicate {what} "{item}"')
        seen.add(idx)
        out.append(idx)
    return out


Candidates = tuple[list[str], list[int], list[list[int]], dict[str, int]]


def _candidates_in_bulk(raw: list, program_index: dict[str, int]) -> Candidates | None:
    """Ids, ranks, preferences (as indices) and the id -> index map, when every candidate is valid;
    None as soon as anything is unusual. Each test is one pass of a C loop (map, set, min), which
    is what makes it fast; each is at least as strict as the one-by-one check, so that this path
    never accepts what that one refuses, and it builds the same lists."""
    if not set(map(type, raw)) <= {dict} or not set(map(len, raw)) <= {len(CANDIDATE_KEYS)}:
        return None
    try:
        # With all three keys present and exactly three keys, there is no unknown key.
        ids = [cand["id"] for cand in raw]
        ranks = [cand["rank"] for cand in raw]
        raw_prefs = [cand["preferences"] for cand in raw]
    except KeyError:
        return None
    if not set(map(type, ids)) <= {str} or "" in ids:
        return None
    index = dict(zip(ids, range(len(ids))))
    if len(index) != len(ids):  # a duplicate id
        return None
    # `type(x) is int` leaves out booleans, as `_is_int` does.
    if not set(map(type, ranks)) <= {int} or (ranks and min(ranks) < 1) or len(set(ranks)) != len(ranks):
        return None
    if not set(map(type, raw_prefs)) <= {list}:
        return None
    lookup = program_index.__getitem__
    try:
        prefs = [list(map(lookup, wishes)) for wishes in raw_prefs]
    except (KeyError, TypeError):  # an unknown program, or an id that is not even hashable
        return None
    if list(map(len, map(set, prefs))) != list(map(len, prefs)):  # a program wished twice
        return None
    return ids, ranks, prefs, index


def _candidates_one_by_one(raw: list, program_index: dict[str, int]) -> Candidates:
    """The same lists as `_candidates_in_bulk`, or `InstanceError` naming the first problem."""
    candidate_ids: list[str] = []
    candidate_rank: list[int] = []
    candidate_prefs: list[list[int]] = []
    candidate_index: dict[str, int] = {}
    rank_seen: dict[int, str] = {}
    for i, cand in enumerate(raw):
        path = f"candidates[{i}]"
        cand = _object(cand, path)
        _check_keys(cand, CANDIDATE_KEYS, path)
        cid = _id(cand, path)
        if cid in candidate_index:
            raise InstanceError(f"{path}.id", f'duplicate candidate id "{cid}"')
        candidate_index[cid] = i
        candidate_ids.append(cid)
        if "rank" not in cand:
            raise InstanceError(path, 'missing "rank"')
        rank = cand["rank"]
        if not _is_int(rank):
            raise InstanceError(f"{path}.rank", "must be an integer")
        if rank < 1:
            raise InstanceError(f"{path}.rank", f"must be >= 1, got {rank}")
        if rank in rank_seen:
            raise InstanceError(f"{path}.rank", f'duplicate rank {rank} (also candidate "{rank_seen[rank]}")')
        rank_seen[rank] = cid
        candidate_rank.append(rank)
        if "preferences" not in cand:
            raise InstanceError(path, 'missing "preferences"')
        candidate_prefs.append(_ids(cand["preferences"], f"{path}.preferences", program_index, "program"))
    return candidate_ids, candidate_rank, candidate_prefs, candidate_index


def parse_instance(data) -> Instance:
    """Validate a decoded JSON document and build the `Instance`, or raise `InstanceError`."""
    if not isinstance(data, dict):
        raise InstanceError("", "the instance must be a JSON object")
    root = data
    _check_keys(root, TOP_LEVEL_KEYS, "")
    for key in ("programs", "candidates"):
        if key not in root:
            raise InstanceError(key, "required")

    # Programs (rankings are checked once the candidates are known).
    program_ids: list[str] = []
    program_capacity: list[int] = []
    program_index: dict[str, int] = {}
    raw_rankings: list = []
    for i, prog in enumerate(_list(root["programs"], "programs")):
        path = f"programs[{i}]"
        prog = _object(prog, path)
        _check_keys(prog, PROGRAM_KEYS, path)
        pid = _id(prog, path)
        if pid in program_index:
            raise InstanceError(f"{path}.id", f'duplicate program id "{pid}"')
        program_index[pid] = i
        program_ids.append(pid)
        program_capacity.append(_capacity(prog, path))
        ranking = prog.get("ranking")
        if "ranking" in prog:
            _list(ranking, f"{path}.ranking")
        raw_rankings.append(ranking if "ranking" in prog else None)

    # Quotas.
    quota_ids: list[str] = []
    quota_capacity: list[int] = []
    quota_programs: list[list[int]] = []
    if "quotas" in root:
        quota_seen: set[str] = set()
        for i, quota in enumerate(_list(root["quotas"], "quotas")):
            path = f"quotas[{i}]"
            quota = _object(quota, path)
            _check_keys(quota, QUOTA_KEYS, path)
            qid = _id(quota, path)
            if qid in quota_seen:
                raise InstanceError(f"{path}.id", f'duplicate quota id "{qid}"')
            quota_seen.add(qid)
            quota_ids.append(qid)
            quota_capacity.append(_capacity(quota, path))
            if "programs" not in quota:
                raise InstanceError(path, 'missing "programs"')
            quota_programs.append(_ids(quota["programs"], f"{path}.programs", program_index, "program"))
        if quota_ids:
            for i, ranking in enumerate(raw_rankings):
                if ranking is not None:
                    raise InstanceError(
                        f"programs[{i}].ranking",
                        "quotas require the master list: an instance with quotas cannot have program rankings",
                    )

    # Candidates: in bulk when they are all valid (the common case, and 50,000 of them in a
    # national competition), else one by one to name the first problem.
    raw_candidates = _list(root["candidates"], "candidates")
    parsed = _candidates_in_bulk(raw_candidates, program_index)
    if parsed is None:
        parsed = _candidates_one_by_one(raw_candidates, program_index)
    candidate_ids, candidate_rank, candidate_prefs, candidate_index = parsed

    program_ranking: list[list[int] | None] = []
    for i, ranking in enumerate(raw_rankings):
        if ranking is None:
            program_ranking.append(None)
        else:
            # A ranking may name candidates absent from the instance (the contract's own example
            # does: withdrawn, or no wishes): kept as -1 so that positions stay those of the list.
            program_ranking.append(
                _ids(ranking, f"programs[{i}].ranking", candidate_index, "candidate", allow_unknown=True)
            )

    return Instance(
        program_ids=program_ids,
        program_capacity=program_capacity,
        program_ranking=program_ranking,
        quota_ids=quota_ids,
        quota_capacity=quota_capacity,
        quota_programs=quota_programs,
        candidate_ids=candidate_ids,
        candidate_rank=candidate_rank,
        candidate_prefs=candidate_prefs,
    )


def load_instance(path: str) -> Instance:
    """Read and validate an instance file; unreadable files and bad JSON are `InstanceError`s too."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InstanceError("", f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise InstanceError("", f"{path} is not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InstanceError("", f"{path} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    return parse_instance(data)
