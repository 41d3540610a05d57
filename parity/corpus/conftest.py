"""The corpus's case files are programs, not test modules: pytest's ``--doctest-modules`` would
import (and so run) each of them at collection time, under real TensorFlow. They run only
through ``parity/test_corpus.py``."""

collect_ignore_glob = ["cases/*"]
