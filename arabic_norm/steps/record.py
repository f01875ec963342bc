"""Frozen records: the part of `@dataclass(frozen=True)` this package uses, built without compiling
code when a module is imported (here in steps/, which imports nothing outside itself: the
catalogue's classes are records too).

    >>> @record
    ... class Point:
    ...     x: int
    ...     y: int = 0
    >>> p = Point(1)
    >>> p, p == Point(1, 0), replace(p, y=2)
    (Point(x=1, y=0), True, Point(x=1, y=2))
    >>> p.x = 3
    Traceback (most recent call last):
    ...
    AttributeError: cannot assign to field 'x' of a frozen Point

Why not dataclasses: `dataclass` writes each method it adds as source text and compiles it with
`exec`, about 0.5 ms a class; the 13 classes the command defines at start-up cost 9-14 ms of every
run (issue 13: start-up is most of a run's time on a 45 MB file). Here the methods are the same
few functions for every class, reading the fields from `__record_fields__`.

What it gives, as `dataclass(frozen=True)` does: an `__init__` taking the fields in order (those
of the base records first), positionally or by name, with their defaults (`field(default=...,
default_factory=...)`, `field(init=False)` for one `__post_init__` sets), then `__post_init__`
if the class has one; a `__repr__`; instances that refuse assignment (`__post_init__` uses
`object.__setattr__`); with `eq=True` (the default) `__eq__` and `__hash__` over the fields, with
`eq=False` identity, as objects have. Annotations marked `ClassVar` are not fields.
"""

from __future__ import annotations

from typing import Any

_MISSING: Any = object()


class Field:
    """One field: its name, default (or factory), and whether `__init__` takes it and `repr`
    shows it."""

    __slots__ = ("default", "default_factory", "init", "name", "repr")

    def __init__(self, default=_MISSING, default_factory=_MISSING, init=True, repr=True):
        self.name = ""
        self.default, self.default_factory, self.init, self.repr = default, default_factory, init, repr


def field(*, default=_MISSING, default_factory=_MISSING, init=True, repr=True) -> Any:
    return Field(default, default_factory, init, repr)


def record(cls=None, /, *, eq: bool = True):
    """Make `cls` a frozen record (see the module's docstring); `@record` or `@record(eq=False)`."""

    def wrap(cls):
        fields = {f.name: f for base in reversed(cls.__mro__[1:]) for f in getattr(base, "__record_fields__", ())}
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 (its own only; no inspect)
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            value = cls.__dict__.get(name, _MISSING)
            f = value if isinstance(value, Field) else Field(default=value)
            f.name = name
            if isinstance(value, Field):  # the class attribute is the default, as with dataclasses
                if f.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, f.default)
            fields[name] = f
        cls.__record_fields__ = tuple(fields.values())
        cls.__record_init__ = tuple(f for f in cls.__record_fields__ if f.init)
        cls.__init__ = _init
        cls.__repr__ = _repr
        cls.__setattr__ = _refuse
        cls.__delattr__ = _refuse_delete
        if eq:
            cls.__eq__ = _eq
            cls.__hash__ = _hash
        return cls

    return wrap if cls is None else wrap(cls)


def replace(obj, /, **changes):
    """A copy of the record `obj` with `changes` (field name -> value), built by its `__init__`."""
    values = {f.name: getattr(obj, f.name) for f in type(obj).__record_init__}
    return type(obj)(**{**values, **changes})


def _init(self, *args, **kwargs) -> None:
    fields = type(self).__record_init__
    if len(args) > len(fields):
        raise TypeError(f"{type(self).__name__}() takes {len(fields)} arguments, {len(args)} given")
    for f, value in zip(fields, args, strict=False):
        if f.name in kwargs:
            raise TypeError(f"{type(self).__name__}() got two values for {f.name!r}")
        object.__setattr__(self, f.name, value)
    for f in fields[len(args) :]:
        if f.name in kwargs:
            value = kwargs.pop(f.name)
        elif f.default is not _MISSING:
            value = f.default
        elif f.default_factory is not _MISSING:
            value = f.default_factory()
        else:
            raise TypeError(f"{type(self).__name__}() missing the argument {f.name!r}")
        object.__setattr__(self, f.name, value)
    if kwargs:
        raise TypeError(f"{type(self).__name__}() got unexpected arguments {sorted(kwargs)}")
    for f in type(self).__record_fields__:
        if not f.init and f.default is not _MISSING:
            object.__setattr__(self, f.name, f.default)
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


def _repr(self) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in type(self).__record_fields__ if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _values(self) -> tuple:
    return tuple(getattr(self, f.name) for f in type(self).__record_fields__)


def _eq(self, other):
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self) -> int:
    return hash(_values(self))


def _refuse(self, name, value):
    raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _refuse_delete(self, name):
    raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")
