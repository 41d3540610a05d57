"""The checks minitf proves itself with: declarations that ``tests/`` and ``parity/`` both read.

Nothing here is part of TensorFlow's API. They live inside the package (not in ``tests/``) because
``python -m minitf parity`` runs them from an installed minitf, against live TensorFlow or the
recorded goldens (``minitf/goldens/``).

- ``op_specs``: the table of differentiable ops (inputs, domains, tolerances);
- ``parity_check``: the one tolerance rule and the curated cross-checks, live or recorded;
- ``tutorial_cases``, ``trajectory_cases``: the tutorial programs and training trajectories compared;
- ``gradient_conventions``: what TensorFlow returns at kinks, ties and undefined points.
"""
