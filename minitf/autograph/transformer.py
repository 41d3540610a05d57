"""The source-to-source rewrite: a function's ``ast`` in, the converted function's ``ast`` out.

Three passes, in TensorFlow AutoGraph's order of ideas (the code is minitf's own):

1. **Jumps become flags.** ``break`` sets ``break_N = True`` and the loop also tests
   ``not break_N``; ``continue`` sets ``continue_N``; a ``return`` nested in a statement sets
   ``do_return``/``retval_``. The statements a jump skips are guarded by ``if not flag:``, so
   a flag that becomes a tensor turns them into a ``tf.cond`` too.
2. **Liveness** (static_analysis.py) finds each statement's *state*: the names it modifies that
   are read around it.
3. **Control flow becomes calls.** ``if``/``while``/``for`` become ``ag__.if_stmt``,
   ``ag__.while_stmt``, ``ag__.for_stmt`` over small nested functions (the branches, the loop
   body) that share the state through ``nonlocal``; ``and``/``or``/``not`` and ``x if c else y``
   become lazy ``ag__`` calls, and calls go through ``ag__.converted_call`` so the functions a
   converted function calls are converted too. ``print`` and ``assert`` stay Python, as in TF.

>>> import ast
>>> tree = ast.parse("def f(x):\\n    if x > 0:\\n        x = -x\\n    return x")
>>> f = ast.fix_missing_locations(convert_function_def(tree.body[0]))
>>> print(ast.unparse(f))  # doctest: +ELLIPSIS
def f(x):
<BLANKLINE>
    def if_body_1():
        nonlocal x
        x = -x
<BLANKLINE>
    def else_body_1():
        nonlocal x
        pass
...
    ag__.if_stmt(x > 0, if_body_1, else_body_1, get_state_1, set_state_1, ('x',))
    return x
"""
from __future__ import annotations

import ast
import itertools
import sys

from . import static_analysis as sa

# Calls left as they are: they need the caller's frame (super, locals), or are Python's own
# on purpose (print prints while tracing, as in TF).
_KEEP_CALLS = {"super", "locals", "globals", "vars", "eval", "exec", "print", "isinstance",
               "issubclass", "type", "id", "getattr", "setattr", "hasattr", "len"}

_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _name(id_: str, ctx=None) -> ast.Name:
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _ag(attr: str) -> ast.Attribute:
    return ast.Attribute(value=_name("ag__"), attr=attr, ctx=ast.Load())


def _call(func, args, keywords=None) -> ast.Call:
    return ast.Call(func=func, args=list(args), keywords=keywords or [])


def _assign(id_: str, value) -> ast.Assign:
    return ast.Assign(targets=[_name(id_, ast.Store())], value=value)


def _not(expr) -> ast.UnaryOp:
    return ast.UnaryOp(op=ast.Not(), operand=expr)


def _def(name: str, body: list, args: list | None = None) -> ast.FunctionDef:
    arguments = ast.arguments(posonlyargs=[], args=[ast.arg(arg=a) for a in (args or [])],
                              vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                              defaults=[])
    if all(isinstance(b, (ast.Nonlocal, ast.Global)) for b in body):
        body = list(body) + [ast.Pass()]
    fdef = ast.FunctionDef(name=name, args=arguments, body=body, decorator_list=[],
                           returns=None)
    if sys.version_info >= (3, 12):
        fdef.type_params = []
    return fdef


def _lambda(expr) -> ast.Lambda:
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                         kw_defaults=[], kwarg=None, defaults=[]), body=expr)


# ---- pass 1: jumps become flags --------------------------------------------------------

class _Jumps:
    """Lowers one kind of jump in a block: ``is_jump(stmt)`` spots it, ``replace(stmt)`` gives
    the statements that set the flag, ``flag`` is the name tested by the guards."""

    def __init__(self, kind, flag, replace, into_loops: bool):
        self.kind, self.flag, self.replace, self.into_loops = kind, flag, replace, into_loops
        self.loops: list = []          # loops entered that must also test the flag

    def contains(self, node) -> bool:
        if isinstance(node, self.kind):
            return True
        if isinstance(node, _SCOPE_NODES):
            return False
        if isinstance(node, (ast.For, ast.While)) and not self.into_loops:
            return any(self.contains(s) for s in node.orelse)
        return any(self.contains(c) for c in ast.iter_child_nodes(node))

    def block(self, stmts: list) -> list:
        out: list = []
        for i, s in enumerate(stmts):
            if isinstance(s, self.kind):
                out.extend(self.replace(s))
                return out                   # what follows a jump never runs
            if not self.contains(s):
                out.append(s)
                continue
            rest = stmts[i + 1:]
            if isinstance(s, ast.If) and rest and (self.always(s.body) or
                                                   self.always(s.orelse)):
                # `if c: return a` then `return b`: what follows joins the branch that does
                # not jump, so both branches set the result (no guard, no half-set state).
                if self.always(s.body):
                    s.orelse = s.orelse + rest
                else:
                    s.body = s.body + rest
                rest = []
            self.inside(s)
            out.append(s)
            rest = self.block(rest)
            if rest:
                out.append(ast.If(test=_not(_name(self.flag)), body=rest, orelse=[]))
            return out
        return out

    def always(self, stmts: list) -> bool:
        """Whether a block surely ends in this jump."""
        if not stmts:
            return False
        last = stmts[-1]
        if isinstance(last, self.kind):
            return True
        return isinstance(last, ast.If) and self.always(last.body) and \
            self.always(last.orelse)

    def inside(self, s) -> None:
        if isinstance(s, (ast.For, ast.While)):
            if self.into_loops:
                s.body = self.block(s.body)
                s.ag_extra_tests = getattr(s, "ag_extra_tests", []) + [self.flag]
            s.orelse = self.block(s.orelse)
            return
        for field in ("body", "orelse", "finalbody"):
            block = getattr(s, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(s, field, self.block(block))
        for h in getattr(s, "handlers", []) or []:
            h.body = self.block(h.body)


class _LoopJumps(ast.NodeTransformer):
    """break and continue, innermost loops first."""

    def __init__(self, names):
        self.names = names

    def visit_FunctionDef(self, node):
        return node                          # another scope: converted on its own

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def _loop(self, node):
        self.generic_visit(node)
        before: list = []
        after: list = []
        cont = _Jumps(ast.Continue, "", None, False)
        if any(cont.contains(s) for s in node.body):
            flag = self.names.fresh("continue_")
            cont.flag = flag
            cont.replace = lambda s, f=flag: [_assign(f, ast.Constant(True))]
            node.body = [_assign(flag, ast.Constant(False))] + cont.block(node.body)
        brk = _Jumps(ast.Break, "", None, False)
        if any(brk.contains(s) for s in node.body):
            flag = self.names.fresh("break_")
            brk.flag = flag
            brk.replace = lambda s, f=flag: [_assign(f, ast.Constant(True))]
            node.body = brk.block(node.body)
            node.ag_extra_tests = getattr(node, "ag_extra_tests", []) + [flag]
            before.append(_assign(flag, ast.Constant(False)))
            if node.orelse:                  # `else:` runs when the loop did not break
                after.append(ast.If(test=_not(_name(flag)), body=node.orelse, orelse=[]))
                node.orelse = []
        return before + [node] + after

    visit_For = _loop
    visit_While = _loop


def _lower_returns(fdef) -> None:
    """Returns nested in statements become ``do_return``/``retval_`` assignments."""
    nested = any(isinstance(n, ast.Return) for s in fdef.body if not isinstance(s, ast.Return)
                 for n in _walk_scope(s))
    if not nested:
        return

    def replace(s):
        value = s.value if s.value is not None else ast.Constant(None)
        return [_assign("do_return", ast.Constant(True)), _assign("retval_", value)]

    jumps = _Jumps(ast.Return, "do_return", replace, True)
    body = jumps.block(fdef.body)
    fdef.body = ([_assign("do_return", ast.Constant(False)),
                  _assign("retval_", _call(_ag("UndefinedReturnValue"), []))] + body +
                 [ast.Return(value=_call(_ag("retval"), [_name("retval_")]))])


def _walk_scope(node):
    """ast.walk that does not enter nested functions, lambdas or classes."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        for c in ast.iter_child_nodes(n):
            if not isinstance(c, _SCOPE_NODES):
                todo.append(c)


# ---- pass 3: expressions -------------------------------------------------------------

class _Expressions(ast.NodeTransformer):
    """and/or/not, conditional expressions and calls, in one scope (nested defs are converted
    as functions of their own)."""

    def __init__(self, undefined: set):
        self.undefined = undefined

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.undefined:
            return ast.copy_location(_call(_ag("ld"), [node]), node)
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        fn = "and_" if isinstance(node.op, ast.And) else "or_"
        expr = node.values[-1]
        for left in reversed(node.values[:-1]):
            expr = _call(_ag(fn), [_lambda(left), _lambda(expr)])
        return ast.copy_location(expr, node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_ag("not_"), [node.operand]), node)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return ast.copy_location(
            _call(_ag("if_exp"), [node.test, _lambda(node.body), _lambda(node.orelse)]), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id in _KEEP_CALLS:
            return node
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == "ag__":
            return node
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and \
                isinstance(func.func.value, ast.Name) and func.func.value.id == "ag__":
            return node
        args = ast.Tuple(elts=node.args, ctx=ast.Load())
        if node.keywords:
            kw = ast.Dict(keys=[ast.Constant(k.arg) if k.arg else None for k in node.keywords],
                          values=[k.value for k in node.keywords])
            call_args = [func, args, kw]
        else:
            call_args = [func, args]
        return ast.copy_location(_call(_ag("converted_call"), call_args), node)

    def visit_AugAssign(self, node):
        # `s += 1` on a name that may be undefined reads it first, through ld.
        self.generic_visit(node)
        if isinstance(node.target, ast.Name) and node.target.id in self.undefined:
            t = node.target.id
            return [_assign(t, _call(_ag("ld"), [_name(t)])), node]
        return node


# ---- pass 3: statements --------------------------------------------------------------

class _Names:
    def __init__(self):
        self._counts = itertools.count(1)
        self._used: dict = {}

    def fresh(self, base: str) -> str:
        n = self._used.get(base, 0)
        self._used[base] = n + 1
        return base if n == 0 else f"{base}{n}"

    def suffix(self) -> int:
        return next(self._counts)


class _Scope:
    def __init__(self, fdef, names: _Names):
        a = fdef.args
        self.params = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs}
        self.params |= {x.arg for x in (a.vararg, a.kwarg) if x is not None}
        self.globals: set = set()
        self.nonlocals: set = set()
        for n in _walk_scope(fdef):
            if isinstance(n, ast.Global):
                self.globals |= set(n.names)
            elif isinstance(n, ast.Nonlocal):
                self.nonlocals |= set(n.names)
        self.names = names
        self.closure = sa.closure_reads(fdef.body)


def _declarations(mods: set, scope: _Scope) -> list:
    out = []
    local = sorted(mods - scope.globals)
    glob = sorted(mods & scope.globals)
    if local:
        out.append(ast.Nonlocal(names=local))
    if glob:
        out.append(ast.Global(names=glob))
    return out


def _state_functions(k: int, state: list, scope: _Scope) -> list:
    get = _def(f"get_state_{k}", [ast.Return(value=ast.Tuple(
        elts=[_name(s) for s in state], ctx=ast.Load()))])
    if state:
        target = ast.Tuple(elts=[_name(s, ast.Store()) for s in state], ctx=ast.Store())
        body = _declarations(set(state), scope) + [
            ast.Assign(targets=[target], value=_name("vars_"))]
    else:
        body = [ast.Pass()]
    return [get, _def(f"set_state_{k}", body, ["vars_"])]


def _names_tuple(state: list) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(s) for s in state], ctx=ast.Load())


class _Statements:
    def __init__(self, scope: _Scope):
        self.scope = scope

    def block(self, stmts: list) -> list:
        out: list = []
        for s in stmts:
            r = self.stmt(s)
            out.extend(r if isinstance(r, list) else [r])
        return out

    def stmt(self, s):
        if isinstance(s, ast.If):
            return self.if_(s)
        if isinstance(s, ast.While):
            return self.while_(s)
        if isinstance(s, ast.For):
            return self.for_(s)
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return convert_function_def(s, self.scope.names, top=False)
        if isinstance(s, (ast.With, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(s, field, None)
                if block:
                    setattr(s, field, self.block(block))
            for h in getattr(s, "handlers", []) or []:
                h.body = self.block(h.body)
        return s

    def _state(self, s, mods: set) -> list:
        live = set(s.ag_live_out) | set(getattr(s, "ag_live_head", s.ag_live_in))
        live |= self.scope.closure
        return sorted((mods & live) - self.scope.globals)

    def if_(self, s):
        k = self.scope.names.suffix()
        mods = sa.modified(s.body) | sa.modified(s.orelse)
        state = self._state(s, mods)
        decl = _declarations(mods, self.scope)
        body = _def(f"if_body_{k}", decl + self.block(s.body))
        orelse = _def(f"else_body_{k}", decl + self.block(s.orelse))
        call = _call(_ag("if_stmt"), [s.test, _name(body.name), _name(orelse.name),
                                      _name(f"get_state_{k}"), _name(f"set_state_{k}"),
                                      _names_tuple(state)])
        # the generated code carries the statement's line: an error in it points at the `if`
        return _placed([body, orelse] + _state_functions(k, state, self.scope)
                       + [ast.Expr(value=call)], s)

    def _test_with_flags(self, node, test):
        for flag in reversed(getattr(node, "ag_extra_tests", [])):
            test = _call(_ag("and_"), [_lambda(_call(_ag("not_"), [_name(flag)])),
                                       _lambda(test)])
        return test

    def while_(self, s):
        k = self.scope.names.suffix()
        mods = sa.modified(s.body) | sa.modified(s.test)
        state = self._state(s, mods)
        decl = _declarations(mods, self.scope)
        test = _def(f"loop_test_{k}", [ast.Return(value=self._test_with_flags(s, s.test))])
        body = _def(f"loop_body_{k}", decl + self.block(s.body))
        call = _call(_ag("while_stmt"), [_name(test.name), _name(body.name),
                                         _name(f"get_state_{k}"), _name(f"set_state_{k}"),
                                         _names_tuple(state)])
        return (_placed([test, body] + _state_functions(k, state, self.scope)
                        + [ast.Expr(value=call)], s)
                + self.block(s.orelse))

    def for_(self, s):
        k = self.scope.names.suffix()
        mods = sa.modified(s.body) | sa.modified(s.target)
        state = self._state(s, mods)
        decl = _declarations(mods, self.scope)
        target = s.target
        body = _def(f"loop_body_{k}", decl + [ast.Assign(targets=[target], value=_name("itr"))]
                    + self.block(s.body), ["itr"])
        defs = [body]
        extra = ast.Constant(None)
        flags = getattr(s, "ag_extra_tests", [])
        if flags:
            test = _call(_ag("not_"), [_name(flags[-1])])
            for flag in reversed(flags[:-1]):
                test = _call(_ag("and_"), [_lambda(_call(_ag("not_"), [_name(flag)])),
                                           _lambda(test)])
            defs.insert(0, _def(f"extra_test_{k}", [ast.Return(value=test)]))
            extra = _name(f"extra_test_{k}")
        it = s.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and \
                isinstance(it.func.value, ast.Name) and it.func.value.id == "ag__" and \
                it.func.attr == "converted_call":
            it = _call(_ag("iterate"), it.args)
        call = _call(_ag("for_stmt"), [it, extra, _name(body.name), _name(f"get_state_{k}"),
                                       _name(f"set_state_{k}"), _names_tuple(state)])
        return (_placed(defs + _state_functions(k, state, self.scope) + [ast.Expr(value=call)], s) +
                self.block(s.orelse))


def _placed(nodes: list, statement) -> list:
    """Generated ``nodes`` placed on ``statement``'s lines (the nodes copied from the user's
    code keep theirs): a traceback through the generated code shows the ``if``/``while``/
    ``for`` line, as TF maps its generated code back to the statement."""
    if getattr(statement, "lineno", None) is None:
        return nodes                      # itself generated (a rewritten jump): left as it is
    for n in nodes:
        if getattr(n, "lineno", None) is None:
            ast.copy_location(n, statement)
            # one line: Python reports a call of ``ag__.if_stmt`` spanning lines at its last
            n.end_lineno, n.end_col_offset = statement.lineno, statement.col_offset
    return nodes


def _undefined_names(body: list, scope: _Scope) -> list:
    """Names the converted statements of a scope modify: they must be bound in the scope for
    the branch functions' ``nonlocal``, so they start as ``ag__.Undefined``."""
    mods: set = set()
    for s in body:
        for n in _walk_scope(s):
            if isinstance(n, ast.If):
                mods |= sa.modified(n.body) | sa.modified(n.orelse)
            elif isinstance(n, ast.While):
                mods |= sa.modified(n.body) | sa.modified(n.test)
            elif isinstance(n, ast.For):
                mods |= sa.modified(n.body) | sa.modified(n.target)
    bound = set()
    for s in body:                     # `s = 0` before any control flow: surely bound
        if isinstance(s, (ast.If, ast.While, ast.For, ast.Try, ast.With)):
            break
        if isinstance(s, ast.Assign):
            bound |= {t.id for t in s.targets if isinstance(t, ast.Name)}
    return sorted(mods - scope.params - scope.globals - scope.nonlocals - bound)


def convert_function_def(fdef, names: _Names | None = None, top: bool = True):
    """Convert one ``def`` (and the defs nested in it) in place; returns it."""
    names = names or _Names()
    if any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)) for s in fdef.body
           for n in _walk_scope(s)):
        return fdef                          # generators and coroutines run as they are
    doc = []
    if fdef.body and isinstance(fdef.body[0], ast.Expr) and \
            isinstance(fdef.body[0].value, ast.Constant) and \
            isinstance(fdef.body[0].value.value, str):
        doc, fdef.body = [fdef.body[0]], fdef.body[1:]
    fdef.body = _LoopJumps(names).visit(ast.Module(body=fdef.body, type_ignores=[])).body
    _lower_returns(fdef)
    scope = _Scope(fdef, names)
    undefined = _undefined_names(fdef.body, scope)
    sa.live_before(fdef.body, set(scope.closure))
    body = [_Expressions(set(undefined)).visit(s) for s in fdef.body]
    flat: list = []
    for s in body:
        flat.extend(s if isinstance(s, list) else [s])
    converted = _Statements(scope).block(flat)
    inits = [_assign(n, _call(_ag("Undefined"), [ast.Constant(n)])) for n in undefined]
    fdef.body = doc + inits + converted
    if not fdef.body:
        fdef.body = [ast.Pass()]
    return fdef
