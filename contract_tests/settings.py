"""Where the contract suite reads and writes, and the knobs it takes from the environment.

Every knob has a default that `make test` uses; the harness tests (test_harness.py) set them to run the suite
on a mutated copy of a spec, in a separate output folder, without touching the real run's reports.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SUITE_DIR = Path(__file__).resolve().parent
SCHEMATHESIS_CONFIG = SUITE_DIR / "schemathesis.toml"
PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"

# The Makefile exports CONTRACT_MAX_EXAMPLES=20; the same default applies when pytest is run directly.
DEFAULT_MAX_EXAMPLES = 20
# Prism reseeds json-schema-faker per request when started with --seed, so each seed is one reproducible
# dynamic answer per operation; three seeds give three different answers.
DEFAULT_DYNAMIC_SEEDS = (1, 2, 3)
# The placeholder key Prism sees; it checks that the apiKey header is present, never its value.
DUMMY_API_TOKEN = "contract-test-dummy-token"


def output_dir() -> Path:
    """JUnit XML, summary.md and Prism logs (CONTRACT_OUTPUT_DIR, default build/contract)."""
    configured = os.environ.get("CONTRACT_OUTPUT_DIR")
    path = Path(configured) if configured else REPO_ROOT / "build" / "contract"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def spec_dir() -> Path | None:
    """A folder holding `<name>.yaml` to test instead of generated/openapi/contract/ (CONTRACT_SPEC_DIR)."""
    configured = os.environ.get("CONTRACT_SPEC_DIR")
    return Path(configured).resolve() if configured else None


def selected_spec_names() -> set[str] | None:
    """Restrict the run to some documents, e.g. CONTRACT_SPECS=v1 (default: every document)."""
    configured = os.environ.get("CONTRACT_SPECS", "").strip()
    return {name.strip() for name in configured.split(",") if name.strip()} or None


def max_examples() -> int:
    raw = os.environ.get("CONTRACT_MAX_EXAMPLES", "").strip()
    if not raw:
        return DEFAULT_MAX_EXAMPLES
    value = int(raw)
    if value < 1:
        raise ValueError(f"CONTRACT_MAX_EXAMPLES must be at least 1, got {value}")
    return value


def dynamic_seeds() -> tuple[int, ...]:
    raw = os.environ.get("CONTRACT_DYNAMIC_SEEDS", "").strip()
    if not raw:
        return DEFAULT_DYNAMIC_SEEDS
    return tuple(int(seed) for seed in raw.split(","))


def client_examples() -> int:
    """Generated requests per operation sent through the generated client (CONTRACT_CLIENT_EXAMPLES, default 10)."""
    raw = os.environ.get("CONTRACT_CLIENT_EXAMPLES", "").strip()
    return int(raw) if raw else 10
