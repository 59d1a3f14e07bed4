# Two commands set everything up on a fresh machine:
#   make demo   create .venv, install the pinned packages, ingest corpus/ and ask a real question
#   make test   the same install, then the whole test suite (make test-fast: the fast tier only)
VENV    := .venv
PY      := $(VENV)/bin/python
DHR     := $(VENV)/bin/dhr
STAMP   := $(VENV)/.installed
DEMO_DB := demo-data

.PHONY: install system-deps demo serve test test-fast lint bench lock clean

$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m index.embedder  # the embedding model as ONNX (fp32, int8), once, offline, into ~/.cache/dhr-kb
	touch $(STAMP)

install: $(STAMP)

# Debian's Tesseract reads scanned PDFs (OCR); installed when running as root and missing.
# Without it everything else works and a scan is reported "needs OCR: install tesseract-ocr".
system-deps:
	@if ! command -v tesseract >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update && apt-get install -y tesseract-ocr tesseract-ocr-eng; fi

demo: install system-deps
	$(DHR) ingest corpus --db $(DEMO_DB)
	$(DHR) ask "missed chances to share information between the GP and the police" --db $(DEMO_DB) --top 3
	$(DHR) themes --db $(DEMO_DB)

# the web app on the demo knowledge base (make demo builds it): http://127.0.0.1:8765/
serve: install
	test -d $(DEMO_DB) || $(DHR) ingest corpus --db $(DEMO_DB)
	$(DHR) serve --db $(DEMO_DB)

test: install
	$(PY) -m pytest -q

# everything but the real model, real Chroma server and real-PDF suites (marked slow): well under a minute
test-fast: install
	$(PY) -m pytest -q -m "not slow"

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/ingest_query.py

lock: install
	$(PY) -m pip freeze --exclude-editable | sed 's/+cpu$$//' > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
