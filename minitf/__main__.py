"""``python -m minitf <command>``: see minitf/cli.py."""
from .cli import main

raise SystemExit(main())
