"""``python -m minitf <command>``: see minitf/cli/__init__.py."""
from .cli import main

raise SystemExit(main())
