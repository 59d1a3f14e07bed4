"""BM25 scored from the catalogue's own postings (kb/postings.py) with numpy, exactly as FTS5 scores it.

FTS5's bm25() with its fixed k1 = 1.2 and b = 0.75: for each phrase of the query, in order, a matching
passage adds idf x tf (k1 + 1) / (tf + k1 (1 - b + b len / avglen)), where idf = ln((N - n + 0.5) / (n
+ 0.5)) floored to 1e-6, n the passages holding the phrase, N those in the index, and len and avglen
count tokens. Adding the same float64 terms in the same order gives the same scores bit for bit
(tests/test_bm25.py compares them with FTS5's); what changes is the cost: a term's passages are scored
in one vector operation instead of one row at a time, so a million passages cost tens of milliseconds.

Postings read are kept in memory while the catalogue is unchanged (its `version`), up to CACHE_BYTES
(the least recently used go first).
"""

from __future__ import annotations

import math
import weakref
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from kb import postings
from kb.catalogue import Catalogue, fts_tokens

K1, B = 1.2, 0.75  # FTS5's bm25() constants, fixed in SQLite
CACHE_BYTES = 512 * 2**20  # tokens' keys and phrases' rows and counts kept between questions


class OwnIndex:
    """One catalogue's postings, read as questions need them."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.version: tuple[int, int, int] | None = None
        self.refresh()

    def refresh(self) -> None:
        """Forget what was read if the catalogue has changed since."""
        version = self.catalogue.version()
        if version == self.version:
            return
        self.version = version
        rows, lengths = self.catalogue.lexical_lengths()
        self.length = np.zeros(max(rows, default=0) + 1)
        self.length[rows] = lengths
        self.size, tokens = self.catalogue.fts_totals()
        self.average = tokens / self.size if self.size else 1.0
        self.read: OrderedDict[str, tuple[np.ndarray, ...]] = OrderedDict()  # least recently used first
        self.held = 0  # bytes in `read`
        self.counts: dict[str, int] = {}
        self.within: Sequence[str] | None = None  # `_rows_within`'s last list, and its rows
        self.within_rows = np.zeros(0, dtype=np.int64)

    def _remember(self, key: str, arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        self.read[key] = arrays
        self.held += sum(a.nbytes for a in arrays)
        while self.held > CACHE_BYTES and len(self.read) > 1:
            self.held -= sum(a.nbytes for a in self.read.popitem(last=False)[1])
        return arrays

    def _recall(self, key: str) -> tuple[np.ndarray, ...] | None:
        if key in self.read:
            self.read.move_to_end(key)
            return self.read[key]
        return None

    @staticmethod
    def _tokens(phrase: str) -> tuple[str, ...]:
        return fts_tokens(phrase.strip('"'))

    def _keys(self, token: str) -> np.ndarray:
        """The token's instances, as sorted keys (a forgotten passage's postings went with it)."""
        held = self._recall("token " + token)
        if held is None:
            blobs = self.catalogue.posting_blobs(token)
            keys = np.concatenate([postings.keys_of(b) for b in blobs]) if blobs else np.zeros(0, dtype=np.int64)
            held = self._remember("token " + token, (keys,))
        return held[0]

    def matches(self, phrase: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, how often the phrase occurs in each) of the passages holding an FTS5 phrase ('"a b"')."""
        self.refresh()
        held = self._recall("phrase " + phrase)
        if held is None:
            keys: np.ndarray | None = None
            for i, token in enumerate(self._tokens(phrase)):
                shifted = self._keys(token) - i  # the phrase's i-th word sits i positions after its first
                keys = shifted if keys is None else common(keys, shifted)
            found = runs((keys if keys is not None else np.zeros(0, dtype=np.int64)) >> postings.POSITION_BITS)
            held = self._remember("phrase " + phrase, found)
        return held[0], held[1]

    def count(self, phrase: str) -> int:
        """How many passages hold the phrase (FTS5's count of matching rows); a single word's is read from its
        segments' counts, so a word too common to search by is never read."""
        self.refresh()
        tokens = self._tokens(phrase)
        if len(tokens) != 1 or ("phrase " + phrase) in self.read:
            return len(self.matches(phrase)[0])
        if phrase not in self.counts:
            self.counts[phrase] = self.catalogue.token_rows(tokens[0])
        return self.counts[phrase]

    def _rows_within(self, within: Sequence[str]) -> np.ndarray:
        """The sorted rows of these passage ids; the last list's are kept (a filter's list is the same object
        from one question to the next, index/scope.py)."""
        if self.within is not within:
            self.within_rows = np.unique(np.array(self.catalogue.rows_of_passages(within), dtype=np.int64))
            self.within = within
        return self.within_rows

    def top(self, phrases: Sequence[str], n: int, within: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(passage_id, BM25 score; higher is better) of the best `n` passages holding any of the phrases,
        optionally only among `within` (passage ids); equal scores in row order."""
        for _ in range(3):  # another process may commit meanwhile: then read every phrase again, at its state
            self.refresh()
            before = self.version
            matched = [self.matches(p) for p in phrases]
            if self.catalogue.version() == before:
                break
        scores = np.zeros(len(self.length))
        for rows, tf in matched:
            if len(rows) and rows[-1] >= len(scores):  # written after the lengths were read: not ranked yet
                rows, tf = rows[rows < len(scores)], tf[rows < len(scores)]
            idf = math.log((self.size - len(rows) + 0.5) / (len(rows) + 0.5)) if self.size else 0.0
            idf = idf if idf > 0 else 1e-6
            length = self.length[rows]
            scores[rows] += idf * ((tf * (K1 + 1.0)) / (tf + K1 * (1 - B + B * length / self.average)))
        candidates = np.flatnonzero(scores)
        if within is not None:
            allowed = self._rows_within(within)
            candidates = common(candidates, allowed[allowed < len(scores)])
        if len(candidates) > n:  # the n best, and any tied with the n-th (equal scores go in row order)
            nth = -np.partition(-scores[candidates], n - 1)[n - 1]
            candidates = candidates[scores[candidates] >= nth]
        best = candidates[np.lexsort((candidates, -scores[candidates]))][:n]
        ids = self.catalogue.passages_of_rows([int(r) for r in best])
        return [(ids[int(r)], float(scores[r])) for r in best if int(r) in ids]


def common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both of two sorted arrays of distinct values, in order (without sorting them again)."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return a[b[at] == a]


def runs(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each distinct value, how many times it occurs as float64) of a sorted array."""
    if not len(rows):
        return rows, np.zeros(0)
    starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
    return rows[starts], np.diff(np.append(starts, len(rows))).astype(np.float64)


_OPEN: weakref.WeakKeyDictionary[Catalogue, OwnIndex] = weakref.WeakKeyDictionary()
_SYNCED: weakref.WeakKeyDictionary[Catalogue, tuple[tuple[int, int, int], bool]] = weakref.WeakKeyDictionary()


def own_index(catalogue: Catalogue) -> OwnIndex | None:
    """The catalogue's own postings, when they hold what its FTS5 index holds; None sends a search to FTS5.

    Whether they do is asked again only when the catalogue has changed (a question asks this several times)."""
    version = catalogue.version()
    known = _SYNCED.get(catalogue)
    if known is None or known[0] != version:
        known = _SYNCED[catalogue] = (version, catalogue.postings_synced())
    if not known[1]:
        return None
    if catalogue not in _OPEN:
        _OPEN[catalogue] = OwnIndex(catalogue)
    return _OPEN[catalogue]
