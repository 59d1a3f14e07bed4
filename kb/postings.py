"""The lexical index's own postings: where each word of each passage is, as FTS5 tokenizes it.

FTS5 answers a BM25 query by scoring every row any of its words occurs in, one row at a time; at a
million passages that is most of a question's time (bench/lexical_speed.py). The catalogue therefore
keeps, beside `passages_fts`, each token's instances as one sorted array of int64 keys,
`row << POSITION_BITS | position`, in segments (`lexical_postings`), and each row's passage id and
length in tokens (`lexical_rows`). index/bm25.py scores those arrays with numpy, as FTS5 would.

Words are cut by FTS5's own tokenizer (`catalogue.Tokenizer`: porter unicode61, on an in-memory table
of the same kind), so a token here is exactly a token of `passages_fts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

POSITION_BITS = 24  # a passage of up to 16 million tokens; rows up to 2**39
MAX_SEGMENTS = 32  # a token's segments, at most: the newest are merged beyond this


@dataclass(frozen=True)
class Segment:
    """Some of a token's instances: keys of rows from `first_row` on, sorted."""

    token: str
    first_row: int
    keys: np.ndarray  # int64, row << POSITION_BITS | position

    def blob(self) -> bytes:
        return self.keys.astype("<i8").tobytes()

    @property
    def rows(self) -> int:
        """How many passages hold the token here."""
        return distinct_rows(self.keys)


def distinct_rows(keys: np.ndarray) -> int:
    rows = keys >> POSITION_BITS
    return int(np.count_nonzero(rows[1:] != rows[:-1])) + 1 if len(rows) else 0


def keys_of(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i8")


def segments(instances: Iterable[tuple[str, int, int]]) -> list[Segment]:
    """One segment per token of (token, row, position) instances ordered by token, row, position."""
    out: list[Segment] = []
    token, keys = None, []
    for term, row, position in instances:
        if term != token:
            if keys:
                out.append(Segment(token, keys[0] >> POSITION_BITS, np.array(keys, dtype=np.int64)))
            token, keys = term, []
        keys.append(row << POSITION_BITS | position)
    if keys:
        out.append(Segment(token, keys[0] >> POSITION_BITS, np.array(keys, dtype=np.int64)))
    return out


def lengths(instances: Iterable[tuple[str, int, int]]) -> dict[int, int]:
    """Row -> how many tokens it holds (FTS5's document size)."""
    out: dict[int, int] = {}
    for _, row, _ in instances:
        out[row] = out.get(row, 0) + 1
    return out


def varints(blob: bytes) -> list[int]:
    """SQLite's big-endian varints one after another (FTS5's averages record: rows, then tokens per column)."""
    out, value, length = [], 0, 0
    for byte in blob:
        length += 1
        if length == 9:  # a ninth byte holds 8 bits
            out.append((value << 8) | byte)
            value, length = 0, 0
            continue
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            out.append(value)
            value, length = 0, 0
    return out


def merges(sizes: Sequence[int]) -> int:
    """How many of a token's newest segments to merge into one, given every segment's size oldest first.

    The rule of a binary counter: the newest segment swallows the one before it while that one is no
    larger, so sizes fall from oldest to newest, a token has few segments, and each instance is
    rewritten about log2(its token's segments) times. Beyond MAX_SEGMENTS the newest are merged anyway.
    """
    sizes = list(sizes)
    merged = 1
    while len(sizes) >= 2 and (sizes[-2] <= sizes[-1] or len(sizes) > MAX_SEGMENTS):
        sizes[-2:] = [sizes[-2] + sizes[-1]]
        merged += 1
    return merged if merged > 1 else 0
