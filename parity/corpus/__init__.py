"""The conformance corpus: TensorFlow guide cells run under TensorFlow and under minitf.

``cases/<source>/<NNN>_<slug>.py`` are the programs, ``goldens/<source>.json`` TensorFlow's
printed output for each (``python -m parity.corpus.record``), ``known_failures.py`` the cases
minitf does not yet reproduce, and ``parity/test_corpus.py`` the check; ``python -m
parity.corpus.report`` writes ``docs/corpus.md``. See docs/corpus.md for the rules.
"""
