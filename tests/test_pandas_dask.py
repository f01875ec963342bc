"""The pandas helper equals mapping the pipeline value by value; the Dask recipe runs."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.pandas import normalize_series, normalize_strings
from arabic_norm.presets import PRESETS

PIPELINES = [Pipeline.preset(name) for name in PRESETS] + [
    Pipeline.parse("diacritics tatweel alef ya"),
    Pipeline.parse("whitespace elongation"),
    Pipeline.parse("ya --to maksura quotes --style curly"),
    Pipeline.parse("unicode --form NFKC invisible --zwnj space"),
]
# Characters every step touches, line breaks, the separators the helper tries, and a BOM.
ALPHABET = "ابتكمأإآىيةـ\u064e\u0650\u0651\u0654\u0670ﻷ٣ک  \t\u00a0\u200c\u200f“”«»\"'\n\r\x00\x1f\ufdd0\ufeffa."
VALUES = st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=30), max_size=25)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from(PIPELINES))
def test_normalize_strings_equals_mapping(values, pipeline):
    assert normalize_strings(pipeline, values) == [pipeline(v) for v in values]


def test_big_batch_uses_the_numpy_engine_and_still_matches():
    p = PIPELINES[-3]
    values = ["كَتَبَ إِلَى مُوسَى", "", "جميييل", "\ufeffأ"] * 20000
    assert normalize_strings(p, values) == [p(v) for v in values]


def test_normalize_series_keeps_index_name_and_missing_values():
    p = Pipeline.parse("diacritics alef ya")
    s = pd.Series(["كَتَبَ", None, "إلى", math.nan], index=[10, 11, 12, 13], name="text", dtype=object)
    got = normalize_series(s, p)
    assert got.tolist()[0] == "كتب" and got.tolist()[2] == "الي"
    assert got.tolist()[1] is None and math.isnan(got.tolist()[3])
    assert list(got.index) == [10, 11, 12, 13] and got.name == "text"
    assert got.dtype == s.dtype  # object stays object (Series.map would infer a new dtype)


LINES = ["كَتَبَ", "إلى", "مـــوسى", "abc"] * 50


def test_dask_bag_recipe_on_the_local_process_scheduler():
    import dask.bag as db

    p = Pipeline.parse("diacritics tatweel alef ya")
    # the process scheduler pickles the pipeline to its workers
    got = db.from_sequence(LINES, npartitions=4).map(p).compute(scheduler="processes", num_workers=2)
    assert got == ["كتب", "الي", "موسي", "abc"] * 50


def test_dask_dataframe_recipe_on_the_local_scheduler():
    import dask
    import dask.dataframe as dd

    p = Pipeline.parse("diacritics tatweel alef ya")
    lines = LINES
    ddf = dd.from_pandas(pd.DataFrame({"text": lines}), npartitions=3)
    ddf["clean"] = ddf["text"].map_partitions(normalize_series, p, meta=("clean", "object"))
    with dask.config.set(scheduler="synchronous"):
        result = ddf.compute()
    assert result["clean"].tolist() == [p(x) for x in lines]
