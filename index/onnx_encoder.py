"""Sentence embeddings with ONNX Runtime and the `tokenizers` library: the same vectors as
sentence-transformers, without importing torch or transformers.

A sentence-transformers folder whose modules are Transformer -> mean Pooling (-> Normalize) is exported
once, offline, from its own weights with `torch.onnx.export` (`make install` does it for the packaged
model; otherwise the first encode does), and kept in a cache folder keyed by the weights file, so a
change of model or of weights makes a new export. At run time only onnxruntime, tokenizers and numpy
load: a cold `dhr ask` skips the 3-4 s that importing torch and transformers costs on two cores.

Variants: "fp32" gives the model's own vectors (cosine >= 0.9999 with PyTorch, tested), so a knowledge
base written by either backend stays valid for the other; "int8" (dynamic quantisation of the weights)
gives different vectors, so a knowledge base records which variant wrote it (kb/catalogue.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import DHRError

if TYPE_CHECKING:
    import numpy as np

EXPORT_VERSION = "1"  # bump when the export itself changes, so caches are rebuilt
VARIANTS = ("fp32", "int8")
ENV_CACHE = "DHR_CACHE"
WEIGHTS = ("model.safetensors", "pytorch_model.bin")


def cache_root() -> Path:
    """$DHR_CACHE, else $XDG_CACHE_HOME/dhr-kb, else ~/.cache/dhr-kb: exports, never user data."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dhr-kb"


def _weights(model_dir: Path) -> Path | None:
    return next((model_dir / w for w in WEIGHTS if (model_dir / w).is_file()), None)


def pooling_supported(model_dir: Path) -> bool:
    """Whether the folder is a plain Transformer + mean pooling (+ normalise) model this module can run."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text("utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = next(m for m in modules if m["type"].endswith("Pooling"))
        config = json.loads((model_dir / pooling["path"] / "config.json").read_text("utf-8"))
    except (OSError, ValueError, KeyError, StopIteration):
        return False
    modes = {k for k, v in config.items() if k.startswith("pooling_mode") and v}
    return (kinds in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"])
            and modes == {"pooling_mode_mean_tokens"} and (model_dir / "tokenizer.json").is_file()
            and _weights(model_dir) is not None)


def export_dir(model_dir: Path) -> Path:
    """Where the exports of this model's weights live: keyed by the weights file's path, size and mtime."""
    weights = _weights(model_dir)
    stat = weights.stat() if weights else None
    key = f"{EXPORT_VERSION}|{model_dir.resolve()}|{stat.st_size if stat else 0}|{stat.st_mtime_ns if stat else 0}"
    return cache_root() / "onnx" / hashlib.sha256(key.encode()).hexdigest()[:16]


def onnx_path(model_dir: Path, variant: str) -> Path:
    return export_dir(model_dir) / ("model.onnx" if variant == "fp32" else f"model-{variant}.onnx")


def export(model_dir: Path, variant: str = "fp32") -> Path:
    """Export the transformer to ONNX (and quantise it for "int8"), once; returns the file. Needs torch
    (and the `onnx` package), so it runs at install or on the first encode, never on a cached query path."""
    target = onnx_path(model_dir, variant)
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        probe = target.with_name(f".probe.{os.getpid()}")
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise DHRError(f"cannot write the model cache {target.parent} ({exc.strerror or type(exc).__name__}): "
                       f"set {ENV_CACHE} to a folder you can write, or DHR_BACKEND=torch") from None
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    if variant == "int8":  # per-channel weights: cosine ~0.99 with fp32, where per-tensor gave ~0.96
        import logging

        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing": it changes nothing here
        try:
            quantize_dynamic(export(model_dir, "fp32"), tmp, weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        finally:
            logging.getLogger().setLevel(quiet)
    else:
        _export_fp32(model_dir, tmp)
    os.replace(tmp, target)  # atomic: a concurrent reader sees the whole file or none
    return target


def _export_fp32(model_dir: Path, out: Path) -> None:
    """torch.onnx.export of the transformer (its last hidden state), then ONNX Runtime's BERT graph fusions
    (attention, layer norm, GELU: 1.5x faster on CPU, the same vectors)."""
    import warnings

    import torch
    from onnxruntime.transformers import optimizer
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    raw = out.with_name(out.name + ".raw")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = tuple(torch.ones(2, 16, dtype=torch.long) for _ in names)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(model), sample, str(raw), input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=17, dynamo=False,
        )
    fused = optimizer.optimize_model(str(raw), model_type="bert", num_heads=model.config.num_attention_heads,
                                     hidden_size=model.config.hidden_size, opt_level=1)
    fused.save_model_to_file(str(out))
    raw.unlink()


def _threads() -> int:
    """ONNX Runtime's own thread pool ignores OMP_NUM_THREADS; honour it (the web app sets 1), else all cores."""
    try:
        return max(int(os.environ.get("OMP_NUM_THREADS", "0")), 0)
    except ValueError:
        return 0


def _workers() -> int:
    """How many batches a long encode runs at once, each on one thread: the threads asked for, else the cores."""
    return _threads() or os.cpu_count() or 1


class OnnxEncoder:
    """Tokenise with `tokenizers`, run the transformer in ONNX Runtime, mean-pool and normalise in numpy."""

    def __init__(self, model_dir: Path, variant: str = "fp32", batch_size: int = 32) -> None:
        if variant not in VARIANTS:
            raise DHRError(f"unknown ONNX variant {variant!r}: choose one of {', '.join(VARIANTS)}")
        start = time.perf_counter()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = export(model_dir, variant)
        config = json.loads((model_dir / "sentence_bert_config.json").read_text("utf-8")) \
            if (model_dir / "sentence_bert_config.json").is_file() else {}
        self.max_length = int(config.get("max_seq_length", 256))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()  # padded per batch, to the batch's longest text, as sentence-transformers does
        options = ort.SessionOptions()
        options.intra_op_num_threads = _threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.path = path
        self._solo = None  # a one-thread session for long encodes, made on the first (a query never needs it)
        self._pool: ThreadPoolExecutor | None = None
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.dimension = int(self.session.get_outputs()[0].shape[-1])
        self.batch_size = batch_size
        self.variant = variant
        self.load_seconds = time.perf_counter() - start

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, in the order of `texts`.

        Texts are sorted by length and cut into batches of `batch_size`, as sentence-transformers does; a
        text's int8 vector depends on the other texts of its batch (activations are quantised per batch), so
        the batches are the same however they are run. One batch runs on all cores; several run side by side,
        one thread each: ONNX Runtime splitting every operator of one batch across two cores spends a third
        more CPU than two batches at once, and far more when other work shares the cores (each operator waits
        for its slowest thread). The vectors are the same either way (tested).
        """
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))  # similar lengths pad little
        batches = [order[at : at + self.batch_size] for at in range(0, len(order), self.batch_size)]
        workers = min(_workers(), len(batches))
        if workers < 2:
            for part in batches:
                out[part] = self._run(self.session, [encodings[i].ids for i in part])
            return out
        solo = self._solo_session()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="dhr-onnx")
        runs = [self._pool.submit(self._run, solo, [encodings[i].ids for i in part]) for part in batches]
        for part, run in zip(batches, runs, strict=True):
            out[part] = run.result()
        return out

    def _solo_session(self):  # noqa: ANN202 - an onnxruntime.InferenceSession
        if self._solo is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            self._solo = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        return self._solo

    def _run(self, session, rows: list[list[int]]) -> np.ndarray:  # noqa: ANN001 - an InferenceSession
        """One batch through the model: token ids padded to the longest, mean-pooled, normalised."""
        import numpy as np

        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for row, r in enumerate(rows):
            ids[row, : len(r)] = r
            mask[row, : len(r)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
