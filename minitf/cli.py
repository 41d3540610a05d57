"""Command line: ``python -m minitf parity`` runs the cross-checks against TensorFlow."""
from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minitf",
                                     description="minitf command-line tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parity", help="compare minitf's values, gradients and training "
                                      "trajectories with TensorFlow's")
    p.add_argument("--png", default="parity-trajectories.png",
                   help="where to write the loss-curve plot ('' for none)")
    args = parser.parse_args(argv)
    if args.command == "parity":
        from .parity_check import report
        return report(png=args.png or None)
    return 2
