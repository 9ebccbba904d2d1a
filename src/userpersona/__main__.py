"""``python -m userpersona`` runs the ``userpersona`` command."""

import sys

from .cli import main

sys.exit(main())
