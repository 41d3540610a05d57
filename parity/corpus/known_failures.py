"""The one table of corpus cases minitf does not yet reproduce: ``{case id: (reason, ref)}``.

``reason`` says precisely what differs; ``ref`` is ``"#17"`` (to be fixed under issue #17) or
``"documented difference: docs/<page>.md"`` (a difference minitf keeps on purpose, explained
there). ``parity/test_corpus.py`` marks these cases ``xfail(strict=True)``: a case that starts
to pass fails the test until its row is removed. Cases with a ``SCOPE`` marker are not listed
here: the marker is their reason.
"""

KNOWN_FAILURES: dict[str, tuple[str, str]] = {
}
