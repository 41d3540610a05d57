"""The one table of corpus cases minitf does not yet reproduce: ``{case id: (reason, ref)}``.

``reason`` says precisely what differs; ``ref`` is ``"#17"`` (to be fixed under issue #17) or
``"documented difference: docs/<page>.md"`` (a difference minitf keeps on purpose, explained
there). ``parity/test_corpus.py`` marks these cases ``xfail(strict=True)``: a case that starts
to pass fails the test until its row is removed. Cases with a ``SCOPE`` marker are not listed
here: the marker is their reason.
"""

KNOWN_FAILURES: dict[str, tuple[str, str]] = {
    "keras_custom_fit/003_sample_weight_and_test_step": (
        "evaluate() with an overridden test_step: (1) return_dict=True gives {'loss', 'mae'} "
        "where Keras 3 gives {'mae', 'loss'} (Keras rebuilds the dict from self.metrics); "
        "(2) the mae differs from TF's by one float32 ulp (0.35125136 against 0.35125139), "
        "which the corpus comparison reports on the 17-digit float printed from a float32",
        "#17"),
}
