"""`python -m tests.fakecli ARGS...`: the real CLI in a real process, with the fake embedder.

For tests that need a separate process (output to a file, `kill -9`, two commands at once) but not the
model. `FAKECLI_BATCH_FILES` sets how many files are embedded and written together, and
`FAKECLI_ENCODE_SECONDS` makes each embedding call take that long, so a test can catch an ingest
half-way without racing it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import numpy as np

import ingest.pipeline
from index.stores import Stores
from tests.fakes import FakeEmbedder


class SlowFakeEmbedder(FakeEmbedder):
    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        time.sleep(float(os.environ.get("FAKECLI_ENCODE_SECONDS", "0")))
        return super().encode(texts, show_progress)


def main() -> None:
    if os.environ.get("FAKECLI_BATCH_FILES"):
        ingest.pipeline.BATCH_FILES = int(os.environ["FAKECLI_BATCH_FILES"])
    Stores.embedder = property(lambda self: SlowFakeEmbedder())  # type: ignore[method-assign,assignment]
    from cli import app

    app(prog_name="dhr")


if __name__ == "__main__":
    main()
