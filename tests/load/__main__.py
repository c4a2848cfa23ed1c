import sys

from tests.load.harness import main

sys.exit(main())
