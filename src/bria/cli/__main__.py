"""`python -m bria.cli`: the `bria` command."""

import sys

from . import main

sys.exit(main())
