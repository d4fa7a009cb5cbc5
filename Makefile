# The front door. Every target works from a fresh clone.
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
SYNC = $(UV) sync --frozen --extra embedded

.PHONY: run test lint bench deps fmt

deps:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --quiet --user uv
	@$(SYNC) --quiet

run: deps
	$(UV) run --frozen --extra embedded juhe up

test: deps
	$(UV) run --frozen --extra embedded pytest

lint: deps
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

fmt: deps
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

bench: deps
	$(UV) run --frozen --extra embedded python -m bench $(ARGS)
