"""`python -m recouvrement.cli …`, as the tests and the import benchmark run the command."""

import sys

from recouvrement.cli import main

sys.exit(main())
