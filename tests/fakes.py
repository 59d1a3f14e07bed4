"""A small deterministic stand-in for the embedding model, for the fast tests of search, filters and folding.

Each word is hashed to a few fixed dimensions, so texts that share words point the same way and a
text is always embedded the same. It is not a language model: the slow tests use the real one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    dimension = 384

    def __init__(self) -> None:
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            for i in range(0, 8, 2):
                vec[int.from_bytes(digest[i : i + 2], "little") % self.dimension] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_query(self, query: str) -> np.ndarray:
        return self.encode([query])[0]
