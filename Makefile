# The two commands a new developer needs: `make run` and `make test` (see README.md).
.PHONY: run test bench bench-line train lint validate

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh

bench-line:
	bash scripts/bench-line.sh

train:
	bash -c 'source scripts/lib.sh && ensure_bot_env && ensure_model'

lint:
	bash -c 'source scripts/lib.sh && ensure_bot_env && "$$BOT_VENV/bin/ruff" check .'

validate:
	bash -c 'source scripts/lib.sh && ensure_bot_env && "$$BOT_PY" -m market_entry.knowledge_tool validate'
