"""The exception family (arabic_norm/errors.py): one base, usage vs input errors, the old built-in
bases kept, and every error that carries fields survives a trip through pickle (worker processes)."""

from __future__ import annotations

import pickle

import pytest

from arabic_norm import errors


@pytest.mark.parametrize(
    ("error", "family", "builtin"),
    [
        (errors.ChainError("x"), errors.UsageError, ValueError),
        (errors.ConfigError("x"), errors.UsageError, ValueError),
        (errors.UndecodableInput(7, 2, "bad"), errors.InputError, ValueError),
        (errors.MalformedRecord(3, "bad"), errors.InputError, ValueError),
        (errors.StructuredError("x"), errors.InputError, ValueError),
        (errors.MissingCompressionSupport("x"), errors.InputError, RuntimeError),
        (errors.WorkerError("f.txt", "died"), errors.InputError, RuntimeError),
        (errors.CorruptCompressedInput("x.gz", "gzip"), errors.InputError, OSError),
    ],
)
def test_every_error_is_in_the_family_and_keeps_its_old_base(error, family, builtin):
    assert isinstance(error, errors.ArabicNormError)
    assert isinstance(error, family)
    assert isinstance(error, builtin)  # `except ValueError` written before the family still catches it


@pytest.mark.parametrize(
    "error",
    [errors.UndecodableInput(7, 2, "bad"), errors.MalformedRecord(3, "bad"), errors.WorkerError("f", "m", "tb")],
)
def test_errors_with_fields_cross_a_process_boundary(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert vars(back) == vars(error)


def test_an_error_that_cannot_be_pickled_becomes_a_worker_error_with_its_text():
    class Local(Exception):  # a local class cannot be pickled
        pass

    sent = errors.portable(Local("boom"))
    assert isinstance(sent, errors.WorkerError)
    assert "Local: boom" in str(sent)
    with pytest.raises(errors.WorkerError, match=r"^f\.txt: "):
        errors.raise_from_worker("f.txt", sent)


def test_an_input_error_from_a_worker_is_raised_as_it_is():
    with pytest.raises(errors.UndecodableInput) as caught:
        errors.raise_from_worker("f.txt", errors.UndecodableInput(7, 2, "bad"))
    assert caught.value.line == 2
