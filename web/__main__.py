"""`python -m web`: serve the knowledge base (see web/server.py).

Searches run one at a time on the app's worker thread, so the model computes on one thread: with
torch's default (one per core), its OpenMP threads spun against the HTTP threads under load and
throughput fell from about 20 to 2 searches a second on two cores (bench/web.py). Set before torch
is imported; an OMP_NUM_THREADS already in the environment wins.
"""

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from web.server import main  # noqa: E402 - after the thread setting

sys.exit(main())
