# The SDK's version. `make update-specs` bumps it (with a CHANGELOG.md entry) when upstream changes.
__version__ = "0.1.0"
