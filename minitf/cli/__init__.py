"""Command line: ``python -m minitf parity`` (cross-checks against TensorFlow) and
``python -m minitf explain EXPR --at name=value`` (the tape, step by step)."""
from __future__ import annotations

import argparse


def _version() -> str:
    """The version of the minitf being run (its ``__version__``, which pyproject.toml repeats)."""
    from .. import __version__
    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minitf",
                                     description="minitf command-line tools")
    parser.add_argument("--version", action="version", version=f"minitf {_version()}")
    # Not required: with no command, print the help and succeed (as git or pip do).
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("parity", help="compare minitf's values, gradients and training "
                                      "trajectories with TensorFlow's")
    p.add_argument("--png", default="parity-trajectories.png",
                   help="where to write the loss-curve plot ('' for none)")
    p.add_argument("--record", action="store_true",
                   help="record TensorFlow's results as goldens (minitf/goldens/tensorflow.npz)")
    from .explain import ops_help
    e = sub.add_parser("explain", help="record an expression on a tape and show the tape, the "
                                       "backward pass and the gradients",
                       description="Record EXPRESSION on a tape and show the tape, the backward "
                                   "pass and the gradients.\nThe expression is parsed, never "
                                   "eval-ed: numbers, the --at names, arithmetic, lists and\n"
                                   "calls of the ops below, nothing else.",
                       epilog=ops_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("expression", help='for example "3*w1**2 + 2*w1*w2"; put a space before '
                                      'one that begins with "-" (" -x*y")')
    e.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE",
                   help="values of the variables, e.g. --at w1=5 w2=3 (lists allowed)")
    e.add_argument("--dot", help="write the graph as Graphviz DOT text")
    e.add_argument("--svg", help="render the graph to SVG (needs Graphviz)")
    e.add_argument("--html", help="write the interactive tape explorer: one self-contained "
                                  "page to step forward and backward through the tape")
    sub.add_parser("conventions", help="print the table of gradients at kinks and ties")
    t = sub.add_parser("train", help="train a small classifier: an MLP on scikit-learn's "
                                     "digits or a CNN on Fashion-MNIST")
    t.add_argument("--model", choices=["mlp", "cnn"], default="mlp",
                   help="mlp: Dense layers on the 8x8 digits; cnn: Conv2D-MaxPool-Flatten-Dense "
                        "on Fashion-MNIST (keras.datasets, downloaded once)")
    t.add_argument("--synthetic", action="store_true",
                   help="cnn only: generated 28x28 images instead of Fashion-MNIST (no network)")
    t.add_argument("--samples", type=int,
                   help="cnn only: training images to use (default: all; 6000 with --synthetic)")
    t.add_argument("--backend", choices=["numpy", "cupy"], default="numpy")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--hidden", type=int, default=128, help="units per hidden layer")
    t.add_argument("--layers", type=int,
                   help="hidden Dense layers (mlp, default 2) or Conv2D-MaxPool blocks (cnn, "
                        "default 1)")
    t.add_argument("--plot", help="where to save the learning-curve PNG")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "train":
        from .train import run as train
        return train(args.backend, args.epochs, args.batch_size, args.hidden, args.layers,
                     args.plot, model=args.model, synthetic=args.synthetic,
                     samples=args.samples)
    if args.command == "conventions":
        from ..checks.gradient_conventions import table_markdown
        print(table_markdown())
        return 0
    if args.command == "explain":
        from .explain import run
        return run(args.expression, args.at, dot=args.dot, svg=args.svg, html=args.html)
    if args.command == "parity":
        from ..checks.parity_check import record_goldens, report
        if args.record:
            print(f"wrote {record_goldens()}")
            return 0
        return report(png=args.png or None)
    return 2
