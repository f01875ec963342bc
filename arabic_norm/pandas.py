"""pandas and Dask: normalize a column of strings in one engine call.

    >>> import pandas as pd
    >>> from arabic_norm import Pipeline
    >>> from arabic_norm.pandas import normalize_series
    >>> p = Pipeline.parse("diacritics tatweel alef ya")
    >>> df = pd.DataFrame({"text": ["كَتَبَ", "إلى", "مـــوسى"]})
    >>> df["clean"] = normalize_series(df["text"], p)      # same as df["text"].map(p), faster
    >>> df["clean"].tolist()
    ['كتب', 'الي', 'موسي']

`normalize_series` (and `normalize_strings` for any list) gives exactly what mapping the pipeline
over the values gives (`series.map(p)`), non-string values (None, NaN, numbers) passed through. It
is faster on many short strings because it joins them with a separator, runs each code point map of
the pipeline once over the joined text (where the numpy engine pays off) and splits the result.
Why that is exact, pass by pass (see `Pipeline.passes`):

- the separator occurs in no value, is no key of any map and is produced by no map; a code point
  map acts on each character alone, so map(a + sep + b) = map(a) + sep + map(b) and splitting at
  the separator gives back the per-value results;
- a context rule runs only if some value contains one of its trigger characters (when none does,
  the rule changes no value: `Rule.run` returns its input unchanged); when one does, and for every
  other kind of pass (Unicode normalization, ...), the pass runs on each value separately;
- a value starting with a BOM is handled as `Pipeline.__call__` handles it (kept, not normalized).

When no separator qualifies the helper falls back to mapping value by value.

Dask, for data that does not fit one machine (the pipeline pickles as its specification, so it
travels to every worker)::

    import dask.dataframe as dd
    ddf = dd.read_parquet("corpus/*.parquet")
    ddf["clean"] = ddf["text"].map_partitions(normalize_series, p, meta=("clean", "object"))

    import dask.bag as db
    db.read_text("corpus/*.txt").map(p).to_textfiles("clean/*.txt")
"""

from __future__ import annotations

from collections.abc import Sequence

from .engine.maps import CompiledMap
from .steps import Rule

BOM = "\ufeff"
# Tried in order: characters that plain text practically never contains and no step maps.
SEPARATORS = ("\n", "\x00", "\x1f", "\ufdd0", "\U0010fffd")


def _separator(passes, values: Sequence[str]) -> str | None:
    for sep in SEPARATORS:
        if any(
            isinstance(p, CompiledMap) and (ord(sep) in p.mapping or any(sep in v for v in p.mapping.values()))
            for p in passes
        ):
            continue
        joined_count = sum(v.count(sep) for v in values)
        if joined_count == 0:
            return sep
    return None


def _run_pass(p, text: str) -> str:
    return p.run(text)


def normalize_strings(pipeline, texts: Sequence[str]) -> list[str]:
    """`[pipeline(t) for t in texts]` for a sequence of strings, computed in one pass per map."""
    texts = list(texts)
    protect = pipeline.protect
    if protect is not None and any(guarded := [protect.may_protect(t) for t in texts]):
        # strings that may hold a protected span (a URL...) go one by one; the rest together
        rest = iter(normalize_strings(pipeline, [t for t, g in zip(texts, guarded, strict=True) if not g]))
        return [pipeline(t) if g else next(rest) for t, g in zip(texts, guarded, strict=True)]
    if len(texts) < 2:
        return [pipeline(t) for t in texts]
    passes = pipeline.passes
    boms = [t.startswith(BOM) for t in texts]
    values = [t[1:] if b else t for t, b in zip(texts, boms, strict=True)]
    sep = _separator(passes, values)
    if sep is None:
        return [pipeline(t) for t in texts]
    # Exactly one of `joined` (the values joined by `sep`) and `vals` (the list) is set.
    joined: str | None = sep.join(values)
    vals: list[str] | None = None
    for p in passes:
        if isinstance(p, CompiledMap):
            if joined is None:
                candidate = sep.join(vals)
                if candidate.count(sep) != len(vals) - 1:  # an earlier pass produced `sep`
                    vals = [p.run(v) for v in vals]
                    continue
                joined, vals = candidate, None
            joined = p.run(joined)
            continue
        if isinstance(p, Rule) and p.triggers:  # Rule and LineRule skip text without their triggers
            text = joined if joined is not None else "".join(vals)
            if not any(c in text for c in p.triggers):
                continue
        if vals is None:
            vals, joined = joined.split(sep), None
        vals = [_run_pass(p, v) for v in vals]
    values = vals if vals is not None else joined.split(sep)
    if len(values) != len(texts):  # pragma: no cover (would mean a map produced the separator)
        raise AssertionError("separator count changed")
    return [BOM + v if b else v for v, b in zip(values, boms, strict=True)]


def normalize_series(series, pipeline):
    """A new pandas Series: the string values normalized, other values (None, NaN...) as they were.
    Equal to `series.map(lambda v: pipeline(v) if isinstance(v, str) else v)`."""
    import pandas as pd

    values = series.tolist()
    positions = [i for i, v in enumerate(values) if isinstance(v, str)]
    results = normalize_strings(pipeline, [values[i] for i in positions])
    for i, r in zip(positions, results, strict=True):
        values[i] = r
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype)
