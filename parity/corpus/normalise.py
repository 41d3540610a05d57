"""How the corpus decides that minitf printed "the same" as TensorFlow: one documented rule.

1. ``mask_volatile`` (applied to both outputs, and to goldens before they are stored, so the
   goldens are deterministic): the parts of the output that change from run to run are
   replaced by fixed marks -- durations (``0s``, ``45ms/step``, ``ETA: 3s``) by ``<time>``,
   memory addresses (``0x7f3a...``) by ``0x?``, the checkout's and the Python installation's
   directories (in printed tracebacks) by ``<repo>`` and ``<python>``.
2. ``normalise``: runs of spaces and tabs inside a line become one space and trailing blanks
   are dropped. NumPy pads array elements to the widest printed element, so a last-digit
   difference in one element changes the padding of every element; the numbers themselves
   are compared in step 3.
3. ``compare``: the texts are cut into numbers and the text between them. The text must be
   identical. Integers (no ``.`` and no exponent) must be identical. Other numbers must agree
   to ``|a - b| <= ATOL + RTOL * max(|a|, |b|)`` (plus ``unit``, below).

Why these bounds. The guides print float32 results. float32's unit roundoff is
u = 2**-24 ~= 6.0e-8; a result that TensorFlow and minitf compute by the same formula but in a
different order (a reduction split differently, a fused kernel against two ops) differs,
to first order, by at most about 2 n u relative after n roundings of same-sign terms. The guide
cells compute no printed value through more than ~128 dependent roundings (a reduction over a
hundred elements, a few dozen training steps of a well-conditioned problem): RTOL = 2 * 128 * u
= 2**-16 ~= 1.5e-5. Where terms cancel, the error is relative to the terms, not to the result:
ATOL = 16 u ~= 1e-6 covers the sum of ~16 terms of size ~1 cancelling to ~0 (a gradient that
is 0 in one framework and 1e-8 in the other). Printing adds no error where the printer shows
the shortest round-trip form (NumPy, TensorFlow's tensor repr), but Keras's logs show 4
decimals and ``tf.print`` 6 significant digits: two values within the bounds above may round
to neighbouring last digits. So when both numbers show the same last decimal place and at least
4 significant digits (a printer that rounded, not a short exact value like ``0.5``), one unit
of that place is allowed too.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

RTOL = 2.0 ** -16
ATOL = 1e-6

_TIME = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:s|ms|us|µs)(?:/(?:step|epoch|sample))?(?![\w])")
_ETA = re.compile(r"ETA: ?[\d:]+(?:\.\d+)?\w*")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_BLANKS = re.compile(r"[ \t]+")
# NumPy pads every column of a printed array to its widest element, so a last digit more or
# less in one element (a float32 one ulp away on another CPU) moves the blank just inside a
# bracket; those blanks are dropped
_BRACKET_BLANK = re.compile(r"(?<=\[) | (?=\])")
# A number not glued to a word (``float32``, ``dense_1`` and ``conv2d`` stay text); a minus sign
# belongs to it unless it follows a word, a closing bracket or a point (``x-1`` is text ``x-``).
_NUMBER = re.compile(r"(?<![\w.)\]])-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


# Paths of this checkout and of the Python installation appear in printed tracebacks; they
# differ between machines (a CI checkout, another virtual environment).
_PATHS = sorted({str(Path(__file__).resolve().parents[2]): "<repo>", sys.prefix: "<python>",
                 sys.base_prefix: "<python>"}.items(), key=lambda kv: -len(kv[0]))


def mask_volatile(text: str) -> str:
    """Replace durations, memory addresses and local paths (this checkout, the Python
    installation), which change between runs or machines, by fixed marks.

    >>> mask_volatile("1/1 - 0s 45ms/step - loss: 0.25 <object at 0x7f3a2b>")
    '1/1 - <time> <time> - loss: 0.25 <object at 0x?>'
    """
    for path, mark in _PATHS:
        text = text.replace(path, mark)
    text = _ETA.sub("ETA: <time>", text)
    text = _TIME.sub("<time>", text)
    return _ADDRESS.sub("0x?", text)


def normalise(text: str) -> str:
    """``mask_volatile``, then one space for each run of blanks, none just inside a square
    bracket, and no trailing blank lines.

    >>> normalise("[[ 1.        2.5      ]]  \\n\\n")
    '[[1. 2.5]]'
    """
    lines = [_BRACKET_BLANK.sub("", _BLANKS.sub(" ", line)).rstrip()
             for line in mask_volatile(text).split("\n")]
    return "\n".join(lines).rstrip("\n")


def _split(text: str) -> tuple[list[str], list[str]]:
    """The text between numbers, and the numbers: ``texts[i]`` precedes ``numbers[i]``."""
    texts, numbers, start = [], [], 0
    for m in _NUMBER.finditer(text):
        texts.append(text[start:m.start()])
        numbers.append(m.group())
        start = m.end()
    texts.append(text[start:])
    return texts, numbers


def _is_integer(token: str) -> bool:
    return not any(c in token for c in ".eE")


def _last_place(token: str) -> tuple[float, int]:
    """(value of one unit in the last printed place, count of significant digits shown)."""
    mantissa, _, exponent = token.lower().lstrip("-").partition("e")
    decimals = len(mantissa.partition(".")[2])
    significant = len(mantissa.replace(".", "").lstrip("0"))
    return 10.0 ** (int(exponent or 0) - decimals), significant


def numbers_agree(a: str, b: str) -> bool:
    """Whether two printed numbers agree under the rule in this module's docstring.

    >>> numbers_agree("0.33333334", "0.3333333"), numbers_agree("0.5", "0.6")
    (True, False)
    >>> numbers_agree("0.1235", "0.1234"), numbers_agree("2", "2.0000001")
    (True, True)
    """
    if _is_integer(a) and _is_integer(b):
        return a == b
    x, y = float(a), float(b)
    bound = ATOL + RTOL * max(abs(x), abs(y))
    (unit_a, sig_a), (unit_b, sig_b) = _last_place(a), _last_place(b)
    if unit_a == unit_b and min(sig_a, sig_b) >= 4:
        bound += unit_a
    return abs(x - y) <= bound


def first_difference(expected: str, actual: str) -> str | None:
    """``None`` if the two outputs agree, else a short description of the first difference.

    >>> first_difference("loss: 0.25\\n", "loss:  0.2500001")
    >>> first_difference("shape=(2, 3)", "shape=(3, 2)")
    "number 1: expected '2', got '3' in line 1: 'shape=(3, 2)'"
    """
    e, a = normalise(expected), normalise(actual)
    (e_texts, e_nums), (a_texts, a_nums) = _split(e), _split(a)
    for i, (et, at) in enumerate(zip(e_texts, a_texts)):
        if et != at:
            return _where("text differs", e, a, e_texts, a_texts, i)
        if i < min(len(e_nums), len(a_nums)) and not numbers_agree(e_nums[i], a_nums[i]):
            return _where(f"number {i + 1}: expected {e_nums[i]!r}, got {a_nums[i]!r}",
                          e, a, e_texts, a_texts, i, a_nums)
    if len(e_texts) != len(a_texts):
        return f"expected {len(e_nums)} numbers, got {len(a_nums)}"
    return None


def _where(what, e, a, e_texts, a_texts, i, a_nums=None) -> str:
    # The line of the actual output where the difference is (line numbers from 1): where
    # text i starts, plus, for a text difference, the part both texts share.
    offset = sum(len(t) for t in a_texts[:i]) + sum(len(n) for n in _split(a)[1][:i])
    if what == "text differs":
        et, at = e_texts[i], a_texts[i]
        offset += next((k for k, (x, y) in enumerate(zip(et, at)) if x != y), min(len(et), len(at)))
    line_no = a[:offset].count("\n") + 1
    lines = a.split("\n")
    line = lines[line_no - 1] if line_no <= len(lines) else ""
    if what == "text differs":
        el = e.split("\n")
        eline = el[line_no - 1] if line_no <= len(el) else "<end of output>"
        return f"text differs in line {line_no}: expected {eline!r}, got {line!r}"
    return f"{what} in line {line_no}: {line!r}"


def outcome_difference(expected: dict, outcome) -> str | None:
    """Compare a golden (``{"stdout", "error"}``) with a run's ``Outcome``: ``None`` if they
    agree, else what differs first (the exception type, then the output)."""
    if expected.get("error") != outcome.error:
        return (f"expected {'exception ' + expected['error'] if expected.get('error') else 'no exception'}"
                f", got {'exception ' + outcome.error if outcome.error else 'no exception'}"
                + (f" ({outcome.message.splitlines()[0] if outcome.message else ''})"
                   if outcome.error else ""))
    return first_difference(expected.get("stdout", ""), outcome.stdout)
