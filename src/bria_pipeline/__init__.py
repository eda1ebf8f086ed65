"""The regeneration pipeline: upstream spec -> overlays -> effective spec -> generated client.

Nothing in here ships to SDK users; it runs at `make generate` time. Every stage reports its
problems as data (`Problem`) so one run can list all of them before it fails.
"""
