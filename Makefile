# Two commands a newcomer needs: `make run` and `make test`. Both set up .venv from scratch.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCALES := de en uk
PO_FILES := $(foreach locale,$(LOCALES),locales/$(locale)/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test shell format locales locales-update bench clean

run: $(VENV)/.installed $(MO_FILES)
	$(BIN)/kim-bot

test: $(VENV)/.installed-test $(MO_FILES)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/python -m pytest

shell: $(VENV)/.installed $(MO_FILES)
	$(BIN)/kim-bot shell

format: $(VENV)/.installed-test
	$(BIN)/ruff format bot tests
	$(BIN)/ruff check --fix bot tests

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Compiled catalogs are build output: made from the committed .po files, never committed.
locales: $(MO_FILES)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages -l $* -i $< -o $@

# After changing user-facing texts: extract them and merge into every catalog.
locales-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k ngettext:1,2 \
		--no-location --sort-output --project=kim-bot --copyright-holder="Kreis Warendorf" \
		-o locales/messages.pot bot
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching

# Throughput, latency, start-up, round trip and memory against the targets (bench/README.md);
# writes bench/results.txt and the results and query plans into bench/README.md. The first
# run builds the demo databases in bench/.cache/ (about a minute). `make bench GROWTH=1`
# adds the 10 × state database (built once, a few minutes) and the growth ratios.
bench: $(VENV)/.installed-test $(MO_FILES)
	$(BIN)/python -m bench.run $(if $(GROWTH),--growth)

clean:
	rm -rf $(VENV) $(MO_FILES) .pytest_cache
