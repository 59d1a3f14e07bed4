"""Sentences: how passages split into sentences, which of them may carry an answer, and how their
vectors are stored (int8, one scale per sentence) so highlights need no model at query time.
"""

from __future__ import annotations

import re

import numpy as np

SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[A-Z0-9\"'\u201c\u2018(])")


def split_sentences(text: str) -> list[str]:
    """Split prose at sentence ends; good enough for report English, keeps every character."""
    return [s for s in SENTENCE_SPLIT.split(text) if s.strip()]


def answer_sentences(text: str) -> list[str]:
    """The sentences of a passage that may carry an answer, in reading order.

    Sentences of eight words or more carry an answer; a short one ("The police sent the letter.")
    can sit close to the query in meaning while saying little, so short ones (of four words or more)
    are used only when a passage has no long one.
    """
    sentences = [s for s in split_sentences(text) if len(s.split()) >= 4]
    long = [s for s in sentences if len(s.split()) >= 8]
    return long or sentences


def pack(vectors: np.ndarray) -> bytes:
    """Unit vectors (n x dim) as bytes: n float32 scales, then n x dim int8 values."""
    vectors = np.asarray(vectors, dtype=np.float32)
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
    values = np.round(vectors / scales[:, None]).astype(np.int8)
    return scales.astype(np.float32).tobytes() + values.tobytes()


def unpack(blob: bytes, dim: int) -> np.ndarray:
    """The inverse of `pack` (to within int8 rounding: cosine error around 1e-3)."""
    n = len(blob) // (4 + dim)
    if n * (4 + dim) != len(blob):
        raise ValueError(f"a sentence-vector blob of {len(blob)} bytes does not hold {dim}-dimensional rows")
    scales = np.frombuffer(blob, dtype=np.float32, count=n)
    values = np.frombuffer(blob, dtype=np.int8, offset=4 * n).reshape(n, dim)
    return values.astype(np.float32) * scales[:, None]
