"""Command line: ``python -m minitf parity`` runs the cross-checks against TensorFlow."""
from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minitf",
                                     description="minitf command-line tools")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("parity", help="compare minitf's values and gradients with TensorFlow's")
    args = parser.parse_args(argv)
    if args.command == "parity":
        from .parity_check import report
        return report()
    return 2
