"""``tf.einsum``: Einstein summation over labelled axes, with TF's rules and its gradient.

TF's rules, which differ from NumPy's: a label names one size everywhere (no size-1
broadcasting between named axes: InvalidArgumentError), only the axes under ``...`` broadcast;
without ``->`` the output is the labels that appear once, in alphabetical order, and no
``...`` (so an equation with broadcast axes needs an explicit output); a label may repeat in an
input (``ii->i`` takes the diagonal, ``ii->`` the trace) but not in the output (ValueError).

The gradient for an operand is one more einsum: the upstream gradient contracted with the other
operands onto the operand's own labels; labels that occur only in that operand are broadcast
back, and repeated labels put the gradient on the diagonal (a product with identity matrices).
Being einsums of minitf ops, the gradients are differentiable again.

>>> import minitf as tf
>>> a = tf.constant([[1., 2.], [3., 4.]])
>>> tf.einsum('ij,jk->ik', a, a).numpy()
array([[ 7., 10.],
       [15., 22.]], dtype=float32)
>>> tf.einsum('ii', a).numpy()        # the trace
np.float32(5.0)
"""
from __future__ import annotations

import re
import string

import numpy as np

from .. import _backend as B
from ..errors import NotFoundError, invalid_argument
from ._registry import TAPES, Tensor, _make, match, record
from .complex_ops import conj

_TERM = re.compile(r"^[a-zA-Z]*(\.\.\.)?[a-zA-Z]*$")
_LETTERS = string.ascii_letters


def _parse(equation: str, n_inputs: int):
    """The input terms and the output term (None in implicit mode), each a string that may
    hold '...'. Spaces are ignored, as in TF."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if not all(_TERM.match(t) for t in terms) or (arrow and not _TERM.match(rhs)) or \
            "->" in rhs:
        raise ValueError(f"Subscripts have incorrect format: {equation}")
    if len(terms) != n_inputs:
        raise ValueError(f'Got {n_inputs} inputs for equation "{equation}", expecting '
                         f"{len(terms)}")
    return terms, (rhs if arrow else None)


def _split(term: str):
    head, dots, tail = term.partition("...")
    return head, bool(dots), tail


def einsum(equation: str, *inputs, **kwargs) -> Tensor:
    """Contract ``inputs`` as ``equation`` says, e.g. ``'ij,jk->ik'`` (matmul),
    ``'bij,bjk->bik'`` (batched matmul), ``'i,j->ij'`` (outer product), ``'ij->ji'``
    (transpose), ``'ii->i'`` (diagonal), ``'...ij,...jk->...ik'`` (broadcast batch axes).
    Operands share one dtype (floats or int32/int64); ``optimize`` is accepted and ignored
    (the contraction order does not change the mathematics).

    >>> import minitf as tf
    >>> x = tf.constant([1., 2., 3.])
    >>> tf.einsum('i,i->', x, x).numpy()
    np.float32(14.0)
    >>> tf.einsum('i,j->ij', x, x[:2]).shape
    TensorShape([3, 2])"""
    kwargs.pop("optimize", None)
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for einsum: {', '.join(kwargs)}")
    if not inputs:
        raise ValueError(f"einsum needs at least one input tensor for equation {equation!r}")
    terms, out = _parse(equation, len(inputs))
    xs = match("Einsum", *inputs)
    dt = xs[0]._dtype
    if not (dt.is_floating or dt.is_complex or dt.kernel_name in ("int32", "int64")):
        raise NotFoundError(None, "Einsum", f"Could not find device for node: Einsum[T="
                            f"{dt.name}]: no kernel for {dt.name} tensors")
    sizes: dict = {}
    ell_shapes = []
    subs = []
    for i, (term, x) in enumerate(zip(terms, xs)):
        head, dots, tail = _split(term)
        shape = x._value.shape
        named = len(head) + len(tail)
        if (not dots and len(shape) != named) or (dots and len(shape) < named):
            raise invalid_argument(f"Expected input {i} to have rank {'at least ' if dots else ''}"
                                   f"{named} but got: {len(shape)}", "Einsum")
        k = len(shape) - named
        ell_shapes.append(shape[len(head):len(head) + k])
        labels = head + "?" * k + tail          # '?' marks an axis under '...'
        for ax, (lab, d) in enumerate(zip(labels, shape)):
            if lab == "?":
                continue
            want = sizes.setdefault(lab, d)
            if want != d:
                dims = ",".join(map(str, shape))
                raise invalid_argument(f"Expected dimension {want} at axis {ax} of the input "
                                       f"shaped [{dims}] but got dimension {d}", "Einsum")
        subs.append(labels)
    try:
        bshape = np.broadcast_shapes(*ell_shapes)
    except ValueError:
        raise invalid_argument("Invalid broadcasting dimensions: " + " vs. ".join(
            str(list(x._value.shape)).replace(" ", "") for x in xs), "Einsum") from None
    used = set("".join(terms))
    fresh = [c for c in _LETTERS if c not in used]
    ell = "".join(fresh[:len(bshape)])
    fresh = fresh[len(bshape):]
    subs = [s.replace("?" * s.count("?"), ell[len(ell) - s.count("?"):]) if "?" in s else s
            for s in subs]
    if out is None:
        counts = {c: "".join(terms).count(c) for c in used if c != "."}
        out_sub = "".join(sorted(c for c, n in counts.items() if n == 1))
        out_dots = False
    else:
        head, out_dots, tail = _split(out)
        for c in head + tail:
            if (head + tail).count(c) > 1:
                raise ValueError(f"Output subscripts contain a label appearing more than once: "
                                 f"{equation}")
            if c not in used:
                raise ValueError(f"Output subscripts contain the label {c} not present in the "
                                 f"input subscripts.")
        out_sub = head + (ell if out_dots else "") + tail
    if bshape and not out_dots:
        raise invalid_argument(f"Output contains {len(bshape)} broadcasting dimension(s) but no "
                               f"ellipsis (...) was found in the output subscripts.", "Einsum")
    return _einsum(subs, out_sub, xs, fresh)


def _einsum(subs: list, out: str, xs: list, fresh: list) -> Tensor:
    """The contraction on explicit, checked labels (``fresh``: letters free for the gradient's
    diagonals). Named size-1 axes may meet larger ones here: that only happens in gradients,
    where NumPy's broadcasting and the tape's sum back to the input's shape are what is meant."""
    eq = ",".join(subs) + "->" + out
    with np.errstate(all="ignore"):     # np.einsum warns from numpy's frames (inf * 0)
        r = np.einsum(eq, *[x._value for x in xs], optimize=len(xs) > 2)
    z = _make(B.asarray(r), xs[0]._dtype)
    if TAPES.recording:
        if xs[0]._dtype.is_complex:
            # TF's convention, g times the conjugate of the other operands: the contraction
            # is multilinear, so that is conj(the real rule applied to conj(g))
            vjps = tuple((lambda g, i=i: conj(_operand_grad(conj(g), i, subs, out, xs, fresh)))
                         for i in range(len(xs)))
        else:
            vjps = tuple((lambda g, i=i: _operand_grad(g, i, subs, out, xs, fresh))
                         for i in range(len(xs)))
        record("Einsum", tuple(xs), z, vjps)
    return z


def _operand_grad(g: Tensor, i: int, subs: list, out: str, xs: list, fresh: list) -> Tensor:
    from .array_ops import broadcast_to, eye, reshape
    sub, x = subs[i], xs[i]
    others = [s for j, s in enumerate(subs) if j != i]
    present = set(out).union(*others) if others else set(out)
    uniq = "".join(dict.fromkeys(sub))               # the operand's labels, each once, in order
    size = {c: x._value.shape[sub.index(c)] for c in uniq}
    kept = "".join(c for c in uniq if c in present)
    gu = _einsum([out] + others, kept, [g] + [t for j, t in enumerate(xs) if j != i], fresh)
    if len(kept) < len(uniq):                        # labels summed out of this operand alone
        have = dict(zip(kept, gu._value.shape))
        gu = reshape(gu, [have.get(c, 1) for c in uniq])
        gu = broadcast_to(gu, [have.get(c, size[c]) for c in uniq])
    if len(uniq) == len(sub):
        return gu
    # A repeated label: the gradient lives on the diagonal, gu[i] · δ(i, i').
    letters = list(fresh)
    target, eyes, eye_subs = "", [], []
    seen = set()
    for c in sub:
        if c in seen:
            f = letters.pop(0)
            target += f
            eyes.append(eye(size[c], dtype=g._dtype))
            eye_subs.append(c + f)
        else:
            seen.add(c)
            target += c
    return _einsum([uniq] + eye_subs, target, [gu] + eyes, letters)


_ = Tensor
