"""`python -m web`: serve the knowledge base (see web/server.py)."""

import sys

from web.server import main

sys.exit(main())
