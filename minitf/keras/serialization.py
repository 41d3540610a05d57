"""Keras 3's object configs: ``serialize_keras_object`` / ``deserialize_keras_object``,
``register_keras_serializable`` and the constructor-argument configs behind ``get_config``.

An object is stored as ``{"module", "class_name", "config", "registered_name"}``. A built-in
class is named by its public Keras path (``{"module": "keras.layers", "class_name": "Dense",
..., "registered_name": None}``), so a file written here names the classes real Keras
looks up, and the reverse. A class registered with ``@register_keras_serializable(package,
name)`` is stored under ``"package>name"`` and found again by that key; any other class
keeps its Python module and class name and is found only through ``custom_objects``.

``get_config`` works from constructor arguments, as Keras's does: a class whose
``__init__`` takes only plain values (str, int, float, bool, None and lists of them) gets a
config without writing ``get_config`` (Keras's "auto config"); a built-in minitf class records
the arguments its ``__init__`` received (initializers and regularizers included), so layers
added to minitf get complete configs without code of their own.

>>> import minitf as tf
>>> d = tf.keras.layers.Dense(3, activation="relu", name="d")
>>> cfg = tf.keras.saving.serialize_keras_object(d)
>>> cfg["module"], cfg["class_name"], cfg["config"]["units"], cfg["config"]["activation"]
('keras.layers', 'Dense', 3, 'relu')
>>> tf.keras.saving.deserialize_keras_object(cfg).units
3
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import threading
import types
from typing import Any, Callable

import numpy as np

PLAIN_TYPES = (str, int, float, bool)
_GLOBAL_CUSTOM_OBJECTS: dict = {}      # "package>name" -> class or function
_GLOBAL_CUSTOM_NAMES: dict = {}        # class or function -> "package>name"
_SCOPE = threading.local()             # custom_object_scope dicts, innermost last


# ---- registration -------------------------------------------------------------------------------
def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator: store a class or function in configs as ``"package>name"`` (the class's
    own name by default) and find it again by that key when loading, as Keras does. A class
    must define ``get_config`` (else ValueError); a later registration of the same key
    replaces the earlier one.

    >>> import minitf as tf
    >>> @tf.keras.saving.register_keras_serializable(package="demo")
    ... def twice(x):
    ...     return 2 * x
    >>> tf.keras.saving.get_registered_name(twice)
    'demo>twice'
    """
    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        key = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[key] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = key
        return arg
    return decorator


def get_registered_name(obj) -> str:
    """The key ``obj`` is stored under: ``"package>name"`` if registered, else its name."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", None))


def get_registered_object(name: str, custom_objects: dict | None = None,
                          module_objects: dict | None = None):
    """The class or function stored under ``name``: from ``custom_objects``, an enclosing
    ``custom_object_scope``, the registrations, then ``module_objects``; None if absent."""
    for table in [custom_objects or {}] + list(reversed(_scopes())) + [_GLOBAL_CUSTOM_OBJECTS,
                                                                        module_objects or {}]:
        if name in table:
            return table[name]
    return None


def get_custom_objects() -> dict:
    """The global registry, ``{"package>name": class_or_function}`` (editable, as Keras's)."""
    return _GLOBAL_CUSTOM_OBJECTS


def _scopes() -> list:
    if not hasattr(_SCOPE, "stack"):
        _SCOPE.stack = []
    return _SCOPE.stack


@contextlib.contextmanager
def custom_object_scope(custom_objects: dict):
    """Within the block, deserialisation also finds the names in ``custom_objects``.

    >>> import minitf as tf
    >>> with tf.keras.saving.custom_object_scope({"Twice": int}):
    ...     tf.keras.saving.get_registered_object("Twice") is int
    True
    """
    _scopes().append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _scopes().pop()


CustomObjectScope = custom_object_scope


# ---- constructor-argument configs ---------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _signature(init) -> inspect.Signature:
    return inspect.signature(init)


def bound_arguments(init, args: tuple, kwargs: dict) -> dict | None:
    """``init``'s arguments as a dict (defaults filled in, ``**kwargs`` spread, ``self`` and
    ``*args`` dropped), or None when they do not bind or include ``*args``."""
    try:
        sig = _signature(init)
        bound = sig.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    out = {}
    params = list(sig.parameters.values())
    for p in params[1:]:
        value = bound.arguments.get(p.name)
        if p.kind is p.VAR_POSITIONAL:
            if value:
                return None
        elif p.kind is p.VAR_KEYWORD:
            out.update(value or {})
        elif p.kind is not p.POSITIONAL_ONLY:
            out[p.name] = value
        else:
            return None
    return out


def _auto_arguments(init, args: tuple, kwargs: dict) -> tuple[dict | None, bool]:
    """Keras's rule for the auto config of a class without ``get_config``: the arguments
    ``init`` binds (defaults filled in), or None when they do not bind. The flag says that
    ``init`` has positional-only parameters or received extra positional arguments (``*args``),
    which Keras reports with its own message."""
    try:
        sig = _signature(init)
        bound = sig.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None, False
    params = list(sig.parameters.values())[1:]
    if any(p.kind is p.POSITIONAL_ONLY for p in params):
        return None, True
    bound.apply_defaults()
    out = {}
    for p in params:
        value = bound.arguments.get(p.name)
        if p.kind is p.VAR_POSITIONAL:
            if value:
                return None, True
        elif p.kind is p.VAR_KEYWORD:
            out.update(value or {})
        else:
            out[p.name] = value
    out.pop("name", None)        # get_config puts the object's own name there
    return out, False


def _is_builtin(cls) -> bool:
    return cls.__module__.startswith("minitf.")


class AutoConfig:
    """Mixin of Layer, Loss, Optimizer, Initializer, Regularizer, Constraint and
    LearningRateSchedule: records constructor arguments for ``get_config``.

    ``__new__`` keeps the arguments the object was created with (Keras's auto config, used
    when a user class does not write ``get_config``); each built-in minitf class's ``__init__``
    also keeps the arguments it received, so a subclass calling ``super().__init__(...)`` still
    gets the built-in part of the config right.
    """

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        config, bad_kind = _auto_arguments(cls.__init__, args, kwargs)
        object.__setattr__(self, "_auto_config", config)
        object.__setattr__(self, "_auto_config_error_args", bad_kind)
        return self

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if _is_builtin(cls) and "__init__" in cls.__dict__:
            cls.__init__ = _recording(cls.__init__, cls)


def _recording(init, cls):
    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        recorded = self.__dict__.get("_builtin_args")
        if recorded is None:
            recorded = {}
            object.__setattr__(self, "_builtin_args", recorded)
        if cls not in recorded:        # the outermost call of this class's __init__
            recorded[cls] = bound_arguments(init, args, kwargs)
        init(self, *args, **kwargs)
    __init__._minitf_recording = True
    return __init__


def builtin_arguments(obj) -> dict:
    """The constructor arguments of the most derived built-in class of ``obj`` (empty if
    none was recorded)."""
    recorded = obj.__dict__.get("_builtin_args") or {}
    for cls in type(obj).__mro__:
        if cls in recorded and recorded[cls] is not None:
            return dict(recorded[cls])
    return {}


def auto_config(obj, base_method) -> dict | None:
    """Keras's auto config for a user class that does not override ``get_config``: its
    constructor arguments if all are plain values; None if it is not such a class. A class
    created with other values raises NotImplementedError, as in Keras."""
    cls = type(obj)
    if _is_builtin(cls) or getattr(cls.get_config, "__func__", cls.get_config) is not \
            base_method:
        return None
    if all(_is_builtin(c) or "__init__" not in c.__dict__ for c in cls.__mro__
           if c is not object):
        return None        # the init is a built-in's: its recorded arguments cover it
    args = obj.__dict__.get("_auto_config")
    if obj.__dict__.get("_auto_config_error_args"):
        raise NotImplementedError(
            f"\nObject {cls.__name__} was created by passing\npositional only or variadic "
            f"positional arguments (e.g.,\n`*args`) to `__init__()`, which is not supported "
            f"by the\nautomatic config generation. Please remove all positional\nonly and "
            f"variadic arguments from `__init__()`\nor override `get_config()` and "
            f"`from_config()` to make\nthe object serializatble.\n\nExample:\n\n"
            f"{_CONFIG_EXAMPLE}")
    if args is None or not all(isinstance(v, PLAIN_TYPES) or v is None
                               for v in _flatten(args)):
        raise NotImplementedError(
            f"\nObject {cls.__name__} was created by passing\nnon-serializable argument "
            f"values in `__init__()`,\nand therefore the object must override "
            f"`get_config()` in\norder to be serializable. Please implement "
            f"`get_config()`.\n\nExample:\n\n{_CONFIG_EXAMPLE}")
    return dict(args)


# The example class Keras's NotImplementedError messages above end with (line breaks and
# the misspelt "serializatble" are Keras's: the messages are compared with Keras's).
_CONFIG_EXAMPLE = """
class CustomLayer(keras.layers.Layer):
    def __init__(self, arg1, arg2, **kwargs):
        super().__init__(**kwargs)
        self.arg1 = arg1
        self.arg2 = arg2

    def get_config(self):
        config = super().get_config()
        config.update({
            "arg1": self.arg1,
            "arg2": self.arg2,
        })
        return config
"""


def _flatten(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


# Keys of Keras 3 configs that minitf's classes do not take; a file may hold them only at
# these values (the features they switch on do not exist here).
_IGNORED_KEYS = {"quantization_config": None, "lora_rank": None, "lora_alpha": None,
                 "input_axes": None, "output_axes": None, "sparse": False, "ragged": False,
                 "optional": False, "synchronized": False, "use_ema": False,
                 "ema_momentum": 0.99, "ema_overwrite_frequency": None, "renorm": False,
                 "renorm_clipping": None, "renorm_momentum": 0.99,
                 "data_format": "channels_last"}


def from_config_kwargs(cls, config: dict) -> dict:
    """``config`` ready for ``cls(**config)``: a DTypePolicy dict becomes its name, and Keras
    keys this minitf does not take are dropped when they hold their off value (a feature
    switched on is a TypeError, as an unknown argument would be)."""
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        config["dtype"] = (dtype.get("config") or {}).get("name")
    try:
        params = _signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return config
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    if _is_builtin(cls):
        # A key no constructor in the chain takes, holding None (Keras's "not used", e.g. a
        # regularizer or constraint minitf's layer does not have), is dropped.
        taken = set(params)
        for klass in cls.__mro__:
            if "__init__" in vars(klass) and _is_builtin(klass):
                taken |= set(_signature(klass.__init__).parameters)
        taken |= {"batch_input_shape", "batch_size", "autocast", "input_dtype"}
        for key in [k for k, v in config.items() if v is None and k not in taken]:
            config.pop(key)
    for key, off in _IGNORED_KEYS.items():
        if key in config and key not in params and (not takes_any or key != "use_ema"):
            if config[key] == off or config[key] is None:
                config.pop(key)
            else:
                raise TypeError(f"{cls.__name__} in minitf does not support {key}="
                                f"{config[key]!r} (a Keras feature minitf does not have).")
    return config


# ---- public Keras names -------------------------------------------------------------------------
_PUBLIC: dict = {}        # class or function -> ("keras.layers", "Dense")
_BY_API: dict = {}        # "keras.layers.Dense" -> class or function


def _namespaces():
    import sys
    from . import activations, constraints, initializers, layers, models
    from . import optimizers, regularizers
    # The modules themselves, not tf.keras's views of them (api_namespaces.py): every name.
    keras = sys.modules["minitf.keras"]
    losses, metrics = sys.modules["minitf.keras.losses"], sys.modules["minitf.keras.metrics"]
    from .optimizers import schedules
    # "keras" first: Keras's canonical names are keras.Sequential, keras.Model, keras.Layer.
    return [("keras", keras), ("keras.layers", layers), ("keras.losses", losses),
            ("keras.metrics", metrics),
            ("keras.optimizers.schedules", schedules), ("keras.optimizers", optimizers),
            ("keras.initializers", initializers), ("keras.regularizers", regularizers),
            ("keras.constraints", constraints), ("keras.activations", activations),
            ("keras.models", models)]


def _index() -> None:
    """Public names of minitf's Keras classes and functions, read from the namespaces each
    time an unknown object is asked for (other modules add layers as they are imported)."""
    for module, ns in _namespaces():
        for attr, value in list(vars(ns).items()):
            if attr.startswith("_"):
                continue
            is_cls = isinstance(value, type)
            if not (is_cls or isinstance(value, types.FunctionType)):
                continue
            if is_cls and (not _is_builtin(value) or not attr[:1].isupper()):
                continue
            if not is_cls and (not value.__module__.startswith("minitf.keras.") or
                               not attr[:1].islower()):
                continue
            _BY_API.setdefault(f"{module}.{attr}", value)
            # The canonical name: a class's own name, in the first namespace that has it.
            if value not in _PUBLIC and attr == value.__name__:
                _PUBLIC[value] = (module, attr)
    _BY_API.setdefault("keras.Sequential", _BY_API.get("keras.models.Sequential"))


def public_name(obj) -> tuple | None:
    if obj not in _PUBLIC:
        _index()
    return _PUBLIC.get(obj)


def public_object(api_name: str):
    if api_name not in _BY_API:
        _index()
    return _BY_API.get(api_name)


# ---- serialising --------------------------------------------------------------------------------
def serialize_keras_object(obj: Any) -> Any:
    """The config Keras writes for ``obj``: plain values and lists as they are, objects as
    ``{"module", "class_name", "config", "registered_name"}`` (a model also with
    ``build_config`` and ``compile_config``)."""
    from ..tensor import Tensor
    from .layers.layer import KerasTensor
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        out = [serialize_keras_object(x) for x in obj]
        return tuple(out) if isinstance(obj, tuple) else out
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, KerasTensor):
        return keras_tensor_config(obj)
    if isinstance(obj, Tensor) or type(obj).__module__ == "numpy":
        arr = np.asarray(obj)
        if isinstance(obj, Tensor) or arr.ndim > 0:
            return {"class_name": "__tensor__" if isinstance(obj, Tensor) else "__numpy__",
                    "config": {"value": arr.tolist(), "dtype": str(arr.dtype)}}
        return arr.item()
    if hasattr(obj, "as_list") and hasattr(obj, "rank"):          # TensorShape
        return obj.as_list() if obj.rank is not None else None
    if hasattr(obj, "as_numpy_dtype") and hasattr(obj, "name"):   # DType
        return obj.name
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            raise ValueError("A lambda cannot be serialized by minitf (Keras stores its "
                             "bytecode, which only the same Python can load): use a named "
                             "function, registered with register_keras_serializable.")
        return _function_config(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize object {obj} of type {type(obj)}. To be "
                        f"serializable, a class must implement the `get_config()` method.")
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The `get_config()` method of {obj} should return a dict. It "
                        f"returned: {config}")
    inner = serialize_keras_object(config)
    cls = type(obj)
    functional = getattr(obj, "_functional", False) and not _is_sequential(obj)
    if functional and _is_builtin(cls):
        out = {"module": "keras.src.models.functional", "class_name": "Functional",
               "config": inner, "registered_name": "Functional"}
    else:
        name = public_name(cls) if _is_builtin(cls) else None
        if name is not None:
            out = {"module": name[0], "class_name": name[1], "config": inner,
                   "registered_name": None}
        else:
            module = cls.__module__
            out = {"module": None if module == "__main__" else module,
                   "class_name": cls.__name__, "config": inner,
                   "registered_name": get_registered_name(cls)}
    if hasattr(obj, "get_build_config"):
        build = obj.get_build_config()
        if build is not None:
            out["build_config"] = serialize_keras_object(build)
    if hasattr(obj, "get_compile_config"):
        comp = obj.get_compile_config()
        if comp is not None:
            out["compile_config"] = serialize_keras_object(comp)
    return out


def _is_sequential(obj) -> bool:
    from .models import Sequential
    return isinstance(obj, Sequential)


def _function_config(fn) -> Any:
    name = public_name(fn)
    if name is not None:
        if name[0] in ("keras.activations", "keras.losses", "keras.metrics"):
            return name[1]      # Keras stores built-in functions by name ("relu", "mse")
        return {"module": name[0], "class_name": "function", "config": name[1],
                "registered_name": name[1]}
    registered = get_registered_name(fn)
    module = fn.__module__
    return {"module": None if module == "__main__" else module, "class_name": "function",
            "config": registered, "registered_name": registered}


def keras_tensor_config(kt) -> dict:
    history = getattr(kt, "_keras_history", None)
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(kt.shape), "dtype": kt.dtype.name,
                       "keras_history": list(history) if history else None}}


# ---- deserialising ------------------------------------------------------------------------------
def deserialize_keras_object(config: Any, custom_objects: dict | None = None,
                             safe_mode: bool = True, **kwargs) -> Any:
    """The object a config describes (the inverse of ``serialize_keras_object``): classes by
    registered name, ``custom_objects`` or their public Keras name; built objects get their
    ``build_config`` and ``compile_config`` applied. An unknown class is a TypeError with
    Keras's text; so is a class without ``from_config``.
    """
    custom_objects = dict(custom_objects or {})
    if config is None or isinstance(config, PLAIN_TYPES):
        if isinstance(config, str):
            found = get_registered_object(config, custom_objects)
            if found is not None:
                return found
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode)
                for k, v in config.items()}
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    if class_name == "__keras_tensor__":
        from .layers.layer import KerasTensor
        kt = KerasTensor(inner["shape"], inner["dtype"])
        kt._pre_serialization_keras_history = inner.get("keras_history")
        return kt
    if class_name in ("__tensor__", "__numpy__"):
        arr = np.array(inner["value"], dtype=inner["dtype"])
        if class_name == "__numpy__":
            return arr
        from ..tensor import convert_to_tensor
        return convert_to_tensor(arr)
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__lambda__":
        raise ValueError("Requested the deserialization of a Python lambda. minitf cannot "
                         "load Keras's stored bytecode; define the function and pass it "
                         "in `custom_objects`.")
    module = config.get("module")
    registered_name = config.get("registered_name", class_name)
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError(f"Expected 'config' to be a non-null str for a function "
                            f"classname, instead got {type(inner)}\nFull config: {config}")
        return _retrieve(inner, registered_name, module, "function", config, custom_objects)
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name},\ninstead got "
                        f"{type(inner)}\nFull config: {config}")
    cls = _retrieve(class_name, registered_name, module, "class", config, custom_objects)
    if isinstance(cls, types.FunctionType):
        return cls
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of '{class_name}' because the "
                        f"class is missing a `from_config()` method. Full object config: "
                        f"{config}")
    with custom_object_scope(custom_objects):
        try:
            instance = cls.from_config(inner)
        except TypeError as e:
            raise TypeError(f"{cls} could not be deserialized properly. Please ensure that "
                            f"components that are Python object instances (layers, models, "
                            f"etc.) returned by `get_config()` are explicitly deserialized "
                            f"in the model's `from_config()` method.\n\nconfig={config}.\n\n"
                            f"Exception encountered: {e}") from e
        build = config.get("build_config")
        if build and not getattr(instance, "built", True):
            instance.build_from_config(build)
            instance.built = True
        comp = config.get("compile_config")
        if comp and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(comp)
    return instance


def _retrieve(name, registered_name, module, kind, full_config, custom_objects):
    found = get_registered_object(name if kind == "function" else registered_name,
                                  custom_objects)
    if found is None and kind == "class":
        found = get_registered_object(name, custom_objects)
    if found is not None:
        return found
    if module == "keras.src.models.functional" and name == "Functional":
        from .models import Model
        return Model
    if module and (module == "keras" or module.startswith("keras.")):
        found = public_object(f"{module}.{name}")
        if found is None and module.startswith("keras.src."):   # Keras's private paths
            found = public_object(f"keras.{module.split('.')[2]}.{name}")
        if found is not None:
            return found
    if kind == "function" and module == "builtins":
        for ns in ("activations", "losses", "metrics"):
            found = public_object(f"keras.{ns}.{name}")
            if found is not None:
                return found
    raise TypeError(f"Could not locate {kind} '{name}'. Make sure custom classes and "
                    f"functions are decorated with "
                    f"`@keras.saving.register_keras_serializable()`. If they are already "
                    f"decorated, make sure they are all imported so that the decorator is run "
                    f"before trying to load them. Full object config: {full_config}")


# ---- layers -------------------------------------------------------------------------------------
# Arguments every layer takes that Keras keeps out of a layer's config (the input shape
# becomes an InputLayer or the build config).
_LAYER_BASE_KEYS = ("name", "trainable", "dtype", "input_shape", "input_dim",
                    "batch_input_shape", "batch_size", "autocast", "input_dtype",
                    "activity_regularizer")


def object_config(obj, base_method) -> dict:
    """``get_config`` of the non-layer bases (losses, metrics, optimizers, initializers,
    regularizers, constraints, schedules): the built-in class's constructor arguments, or
    Keras's auto config for a user class that does not override ``get_config``."""
    cfg = {k: config_value(k, v) for k, v in builtin_arguments(obj).items()}
    auto = auto_config(obj, base_method)
    if auto is not None:
        cfg.update(auto)
    return cfg


def config_value(key: str, value: Any) -> Any:
    """A constructor argument as Keras's ``get_config`` reports it: objects (initializers,
    regularizers, layers, ...) as their serialised dicts, activations by name."""
    if callable(value) and not isinstance(value, type) and (
            key == "activation" or key.endswith("_activation")):
        from . import activations
        name = activations.serialize(value)
        if activations._ALL.get(name) is value:
            return name
        return serialize_keras_object(value)
    if isinstance(value, (list, tuple)):
        out = [config_value(key, v) for v in value]
        return tuple(out) if isinstance(value, tuple) else out
    if isinstance(value, dict):
        return {k: config_value(k, v) for k, v in value.items()}
    if value is None or isinstance(value, PLAIN_TYPES):
        return value
    return serialize_keras_object(value)


def layer_config(layer, base_method) -> dict:
    """What ``Layer.get_config`` returns (see its docstring)."""
    cfg = {"name": layer.name, "trainable": layer.trainable, "dtype": layer.dtype}
    args = builtin_arguments(layer)
    for key in _LAYER_BASE_KEYS:
        args.pop(key, None)
    cfg.update({k: config_value(k, v) for k, v in args.items()})
    if getattr(layer, "activity_regularizer", None) is not None:
        cfg["activity_regularizer"] = serialize_keras_object(layer.activity_regularizer)
    auto = auto_config(layer, base_method)
    if auto is not None:
        auto.pop("name", None)
        params = _signature(type(layer).__init__).parameters
        # Keras keeps the name only for an __init__ with a ``name`` parameter or a ``**kwargs``
        # spelt exactly so (``**kw`` loses it), since cls(**config) must take it back.
        spread = params.get("kwargs")
        if "name" not in params and (spread is None or spread.kind is not spread.VAR_KEYWORD):
            cfg.pop("name")
        cfg.update(auto)
    return cfg


def shape_config(shape) -> Any:
    """A build shape (a TensorShape or a structure of them) as JSON lists."""
    if hasattr(shape, "as_list"):
        return shape.as_list()
    if isinstance(shape, dict):
        return {k: shape_config(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)):
        if all(d is None or isinstance(d, (int, np.integer)) for d in shape):
            return [None if d is None else int(d) for d in shape]
        return [shape_config(s) for s in shape]
    return shape


def _to_shapes(shape):
    from ..tensor import TensorShape
    if isinstance(shape, dict):
        return {k: _to_shapes(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int)
                                                for d in shape):
        return TensorShape(list(shape))
    return [_to_shapes(s) for s in shape]


def build_from_config(layer, config: dict) -> None:
    """Build ``layer`` from ``{"input_shape": ...}``: a plain layer runs ``build``; a
    subclassed model is called once on zeros of that shape (batch 1 where it is None), which
    is how Keras creates the weights of a model whose ``build`` is not written."""
    if not config or config.get("input_shape") is None:
        return
    from .layers.layer import _building
    from .models import Model
    shapes = _to_shapes(config["input_shape"])
    if isinstance(layer, Model) and not layer.built:
        from ..tensor import convert_to_tensor

        def zeros(s):
            if isinstance(s, dict):
                return {k: zeros(v) for k, v in s.items()}
            if isinstance(s, list):
                return [zeros(v) for v in s]
            return convert_to_tensor(np.zeros([1 if d is None else d for d in s.as_list()],
                                              np.dtype(layer.dtype)))
        layer(zeros(shapes), training=False)
        return
    layer._build_shape = shapes
    with _building(layer):
        layer.build(shapes)
    layer.built = True
