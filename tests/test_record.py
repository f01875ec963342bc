"""steps/record.py: frozen records behave as `@dataclass(frozen=True)` does where the package uses
it (each case below is checked against a dataclass twin), without compiling code at import."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import pytest

from arabic_norm.steps.record import field, record, replace


def twins(eq: bool = True):
    """The same classes as a record and as a frozen dataclass: a base, a subclass adding fields,
    a ClassVar, a factory default, a field __post_init__ sets."""
    made = []
    for decorate, fld in ((record(eq=eq), field), (dataclasses.dataclass(frozen=True, eq=eq), dataclasses.field)):

        @decorate
        class Base:
            name: str
            size: int = 1
            kind: ClassVar[str] = "base"

        @decorate
        class Child(Base):
            tags: list = fld(default_factory=list)
            label: str = fld(init=False, repr=False)

            def __post_init__(self):
                object.__setattr__(self, "label", f"{self.name}:{self.size}")

        made.append((Base, Child))
    return made


def test_fields_defaults_positional_and_keyword_arguments_as_dataclasses():
    (base, child), (dbase, dchild) = twins()
    for b, c in ((base, child), (dbase, dchild)):
        assert (b("x").name, b("x").size, b("x", 2).size, b(name="y", size=3).size) == ("x", 1, 2, 3)
        made = c("x", 2, ["t"])
        assert (made.tags, made.label) == (["t"], "x:2"), "__post_init__ ran after the fields were set"
        assert c("x").tags == [] and c("x").tags is not c("x").tags, "a factory default is made for each"
        assert b.kind == "base" and "kind" not in repr(b("x")), "a ClassVar is not a field"
    assert repr(base("x", 2)) == repr(dbase("x", 2))
    assert repr(child("x", 2, [])).split("(", 1)[1] == repr(dchild("x", 2, [])).split("(", 1)[1]


def test_equality_and_hash_over_the_fields_or_identity_with_eq_false():
    (base, _), (dbase, _) = twins()
    assert base("x") == base("x", 1) and hash(base("x")) == hash(base("x", 1))
    assert base("x") != base("x", 2) and base("x") != dbase("x"), "another class is never equal"
    assert (dbase("x") == dbase("x", 1)) and hash(dbase("x")) == hash(dbase("x", 1))
    (base, _), _ = twins(eq=False)
    a = base("x")
    assert a != base("x") and a == a and hash(a) == object.__hash__(a)


def test_instances_refuse_assignment_and_deletion():
    (base, _), _ = twins()
    made = base("x")
    with pytest.raises(AttributeError, match="frozen"):
        made.size = 2
    with pytest.raises(AttributeError, match="frozen"):
        del made.name
    assert made.size == 1


def test_wrong_arguments_are_refused_as_a_call_would_be():
    (base, _), _ = twins()
    for args, kwargs in (((), {}), (("x", 1, 2), {}), (("x",), {"name": "y"}), (("x",), {"colour": 1})):
        with pytest.raises(TypeError):
            base(*args, **kwargs)


def test_replace_builds_a_new_instance_through_init():
    (_, child), (_, dchild) = twins()
    for c, rep in ((child, replace), (dchild, dataclasses.replace)):
        made = rep(c("x", 2, ["t"]), size=5)
        assert (made.name, made.size, made.tags, made.label) == ("x", 5, ["t"], "x:5")


def test_the_package_records_compare_as_before():
    """StepSpec and Protect key the caches (Pipeline is hashed by them): equal when their fields
    are, and `replace` keeps the others."""
    from arabic_norm.chain import StepSpec
    from arabic_norm.protect import Protect

    assert StepSpec("alef") == StepSpec("alef", (), "ar") and hash(StepSpec("alef")) == hash(StepSpec("alef", (), "ar"))
    assert replace(StepSpec("alef"), lang="fa") == StepSpec("alef", (), "fa")
    assert Protect(markdown=True) == replace(Protect(), markdown=True) != Protect()
