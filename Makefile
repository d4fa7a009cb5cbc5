# The front door. Every target works from a fresh clone: uv and RabbitMQ are installed on
# first use when missing (as root; otherwise the one command to run is printed).
UV := ./scripts/uv
SYNC = $(UV) sync --frozen --extra embedded

.PHONY: run test lint bench deps fmt rabbitmq

deps:
	@$(SYNC)

# `juhe up` runs its own private RabbitMQ node: only the package is needed.
run: deps
	@scripts/ensure-rabbitmq
	$(UV) run --frozen --extra embedded juhe up

# The tests use the machine's broker on 127.0.0.1:5672 (or JUHE_AMQP_URL when set).
test: deps
	@[ -n "$${JUHE_AMQP_URL:-}" ] || scripts/ensure-rabbitmq --running
	$(UV) run --frozen --extra embedded pytest

lint: deps
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports --no-logo

fmt: deps
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

bench: deps
	@[ -n "$${JUHE_AMQP_URL:-}" ] || scripts/ensure-rabbitmq --running
	$(UV) run --frozen --extra embedded python -m bench $(ARGS)
