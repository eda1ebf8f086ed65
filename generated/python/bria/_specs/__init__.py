"""The effective specs as JSON package data (read by bria.testing; written by make generate)."""
