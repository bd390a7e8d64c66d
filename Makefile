# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MO := locales/id/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo

.PHONY: run test catalogs extract eval bench-classify bench-kb clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d locales -D messages -l $* --statistics

catalogs: $(MO)

run: $(STAMP) catalogs
	$(BIN)/prakerja-bot run

test: $(STAMP) catalogs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# Re-extract msgids from the code and merge them into both catalogs (developers only).
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o locales/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --ignore-obsolete --no-fuzzy-matching
	$(BIN)/python tools/fill_en.py

# The knowledge base's entry search on the golden posts (the frozen file first: the honest
# figure), then the intent classifier's sets (the action intents: greeting, deadline, purchase...).
eval: $(STAMP) catalogs
	$(BIN)/python -m bot.knowledge.eval tests/data/kb_golden_frozen.tsv tests/data/kb_golden.tsv
	@echo
	$(BIN)/python -m bot.nlu.eval tests/data/nlu_eval.tsv --locale id
	@echo
	$(BIN)/python -m bot.nlu.eval tests/data/nlu_eval_real.tsv --locale id
	@echo
	$(BIN)/python -m bot.nlu.eval tests/data/nlu_eval_en.tsv --locale en

bench-classify: $(STAMP)
	$(BIN)/python bench/classify.py

# The entry-search candidates compared by grouped cross-validation over the entries' examples.
bench-kb: $(STAMP)
	$(BIN)/python bench/kb_models.py --anchors --only present,bm25,lr,svc,lr+bm25,lr+present
	$(BIN)/python bench/kb_speed.py

clean:
	rm -rf $(VENV) $(MO)
