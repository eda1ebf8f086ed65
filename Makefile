# Everything bootstraps itself on a fresh machine: a pinned uv in build/uv, the locked project
# virtualenv in .venv (uv.lock), and Prism from package-lock.json (npm ci).
UV_VERSION := 0.13.8
UV := build/uv/bin/uv
PY := .venv/bin/python
PIPELINE := PYTHONPATH=src $(PY) -m bria_pipeline
CONTRACT_MAX_EXAMPLES ?= 20
export CONTRACT_MAX_EXAMPLES

.PHONY: help generate check-generated update-specs test unit contract contract-live lint typecheck bench clean docs dist

help:
	@echo "make generate         regenerate generated/ from spec/ + overlays/ (no-op when nothing changed)"
	@echo "make test             lint, type-check, unit tests and the contract suite"
	@echo "make check-generated  fail if generated/ differs from a fresh regeneration"
	@echo "make update-specs     fetch upstream specs; on a change regenerate and write a change report"
	@echo "make docs             the API reference site in build/docs/ (mkdocs build --strict)"
	@echo "make dist             the wheel and sdist in dist/, checked with twine"

$(UV):
	python3 -m venv build/uv
	build/uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

generate: .venv/.synced
	$(PIPELINE) generate

check-generated: .venv/.synced
	$(PIPELINE) check-generated

# Fetch the upstream documents named in spec/sources.toml (SPEC_<NAME>_URL, e.g. SPEC_IMAGE_EDITING_URL, overrides
# the URLs); on a change, regenerate and report (build/update-specs/report.md, CHANGELOG.md). The pipeline exits
# 0/10/20/30/40 (README: "Upstream spec updates"); make turns any non-zero status into 2, so the exact code is
# also written to build/update-specs/exit-code.
update-specs: .venv/.synced
	@rm -f build/update-specs/exit-code
	$(PIPELINE) update-specs

# The API reference site, build/docs/: src/bria_pipeline/reference.py writes its pages from the installed
# facades and their Operation records (plus the guides) into build/docs-src/, then MkDocs builds it; --strict
# turns every warning (a broken link, a missing page or anchor) into a failure (never add --quiet: it drops the
# warnings before --strict counts them). NO_MKDOCS_2_WARNING silences Material's end-of-life banner.
docs: .venv/.synced
	@rm -rf build/docs-src build/docs
	$(PIPELINE).reference build/docs-src --site build/docs
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict -f build/docs-src/mkdocs.yml

# The docs browser test drives Debian's Chromium (Playwright never downloads a browser here); a fresh machine
# has none, so it is installed once (.ci/run runs as root; elsewhere through sudo).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
build/.chromium:
	@mkdir -p build
	@[ -x $(CHROMIUM) ] || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@[ -x $(CHROMIUM) ] || { echo "$(CHROMIUM) is still missing after apt-get install chromium" >&2; exit 1; }
	touch $@

# The wheel and sdist, built by the pinned uv with the pinned build backend ([build-system]), then twine check.
dist: .venv/.synced
	@rm -rf dist
	$(UV) build --quiet --out-dir dist
	$(PY) -m twine check --strict dist/*

# Hand-written code gets the project's full rule set; generated code gets pyflakes, pycodestyle and
# import order (its long lines are spec prose in docstrings, so E501 is not checked there). Spectral's
# OpenAPI ruleset (.spectral.yaml) lints every effective spec: 0 errors.
lint: .venv/.synced node_modules/.installed
	$(PY) -m ruff check src tests contract_tests bench examples
	$(PY) -m ruff format --check src tests contract_tests bench examples
	$(PY) -m ruff check --isolated --line-length 120 --select E,F,I --ignore E501 generated/python
	node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity error --quiet generated/openapi/*.yaml

typecheck: .venv/.synced
	$(PY) -m mypy src/bria src/bria_pipeline
	$(PY) -m mypy --strict --explicit-package-bases generated/python/bria

# The unit tests under coverage.py: line coverage of src/bria (pyproject: [tool.coverage]) must be at least 95 %.
UNIT := $(PY) -m coverage run -m pytest tests && $(PY) -m coverage report

# tests/docs/ browses the built site, so `docs` and Chromium come first here too.
unit: .venv/.synced node_modules/.installed docs build/.chromium
	@mkdir -p build/coverage
	$(UNIT)

# The unit tests and the contract suite run side by side: the first is mostly code generation (CPU), the
# second mostly waits on Prism, so on two cores the pair takes about as long as the longer one. Each writes
# its own log, printed when both are done; the target fails if either does.
# `docs` and `build/.chromium` come first: tests/docs/ browses build/docs/ with Chromium.
test: .venv/.synced node_modules/.installed lint typecheck docs build/.chromium
	@mkdir -p build/coverage
	@status=0; \
	( $(UNIT) ) > build/test-unit.log 2>&1 & unit=$$!; \
	$(PY) -m pytest contract_tests > build/test-contract.log 2>&1 || status=1; \
	wait $$unit || status=1; \
	echo "== pytest tests, with coverage of src/bria (build/test-unit.log)"; cat build/test-unit.log; \
	echo "== pytest contract_tests (build/test-contract.log)"; cat build/test-contract.log; \
	exit $$status

# The contract suite alone: each effective spec against a Prism mock of itself (schemathesis) and the generated
# clients against it. JUnit and a per-operation summary go to build/contract/ (contract_tests/README.md).
contract: .venv/.synced node_modules/.installed
	$(PY) -m pytest contract_tests --junitxml=build/contract/junit.xml

# Opt-in, never in CI: a few free calls to the real API through `prism proxy --errors` (needs BRIA_API_TOKEN;
# CONTRACT_LIVE_BILLED=1 adds two billed ones). Without the token the tests are skipped, saying so.
contract-live: .venv/.synced node_modules/.installed
	CONTRACT_LIVE=1 $(PY) -m pytest contract_tests/test_live.py -m live -rs --junitxml=build/contract/live-junit.xml

# Benchmarks run in their own virtualenv, build/bench-venv: the project (editable) plus bria-client==0.3.1,
# the SDK they compare against, which is never a project dependency. Results: build/bench/results.md.
bench:
	@[ build/bench-venv/.installed -nt pyproject.toml ] || { python3 -m venv build/bench-venv && \
		build/bench-venv/bin/pip install --quiet -e ".[cli]" bria-client==0.3.1 && touch build/bench-venv/.installed; }
	build/bench-venv/bin/python -m bench

clean:
	rm -rf build .venv node_modules
