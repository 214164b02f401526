# The two commands a new developer needs: `make run` and `make test` (see README.md).
.PHONY: run test check eval bench bench-line train lint validate

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# The fast stage alone (about a minute once the environments exist): lint, validators, unit,
# component and action tests. make test runs it first.
check:
	bash scripts/check.sh

# The owner-question evaluation (tests/eval): prints right-answer rates by market, topic,
# language and failure type. SPLIT=dev (default, failures listed) or SPLIT=test (figures only).
eval:
	bash scripts/eval.sh

bench:
	bash scripts/bench.sh

bench-line:
	bash scripts/bench-line.sh

train:
	bash -c 'source scripts/lib.sh && ensure_bot_env && ensure_model'

lint:
	bash -c 'source scripts/lib.sh && ensure_app_env && "$$APP_VENV/bin/ruff" check .'

validate:
	bash -c 'source scripts/lib.sh && ensure_app_env && "$$APP_PY" -m market_entry.knowledge_tool validate'
