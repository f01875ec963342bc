"""A chain of steps (parsed by chain.py), compiled into as few passes as possible, run on str or bytes.

    >>> p = Pipeline.parse("diacritics --keep shadda tatweel alef ya quotes")
    >>> p("السَّلَامُ")
    'السّلام'

A chain is immutable and pickles as its specification only (worker processes recompile it).
It leaves protected spans (URLs, e-mail addresses, off regions...: see protect.py) as they are;
`protect=None` turns that off.
Compilation (compiler.py): every step builds its operations; adjacent code point maps are composed
into one `CompiledMap`; context rules stay passes of their own, in order.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from .chain import StepSpec, closest, parse_chain
from .compiler import CUT_CANDIDATES, PassTally, compile_operations, run_plan, str_plan, untouched
from .engine import kernel
from .engine.maps import CompiledMap
from .errors import ChainError
from .presets import PRESETS
from .protect import START, Protect, State
from .splice import whole_lines
from .steps import CharMap
from .steps.chars import LANGUAGES
from .steps.record import replace
from .stream.blocks import BLOCK_SIZE, BOM, Block, decode_error, positioned_blocks, safe_cut

if TYPE_CHECKING:
    from .explain import Explanation

DEFAULT_PROTECT = Protect()


class Pipeline:
    """An immutable chain of steps, compiled on first use, and what it must leave alone."""

    def __init__(self, specs: Iterable[StepSpec] = (), protect: Protect | None = DEFAULT_PROTECT):
        object.__setattr__(self, "specs", tuple(specs))
        object.__setattr__(self, "protect", protect)

    def __setattr__(self, name, value):
        raise AttributeError(f"Pipeline is immutable: cannot set {name!r}")

    # --- construction ---------------------------------------------------------------------------
    @classmethod
    def parse(cls, chain: str | Sequence[str], protect: Protect | None = DEFAULT_PROTECT, lang: str = "ar") -> Pipeline:
        """Build from chain syntax, a string (`"diacritics --keep shadda alef"`) or its tokens.
        `lang`: the language of the text; letters distinct in it are never folded (see --lang)."""
        tokens = shlex.split(chain) if isinstance(chain, str) else list(chain)
        return cls(parse_chain(tokens), protect).with_lang(lang)

    @classmethod
    def preset(cls, name: str, protect: Protect | None = DEFAULT_PROTECT, lang: str = "ar") -> Pipeline:
        if name not in PRESETS:
            raise ChainError(f"unknown preset {name!r}{closest(name, PRESETS)}")
        return cls.parse(PRESETS[name].chain, protect, lang=lang)

    def with_lang(self, lang: str) -> Pipeline:
        """The same chain for text in `lang` (ar, fa, ur, ckb, ps, ug, sd, kk, ky, ks)."""
        if lang not in LANGUAGES:
            raise ChainError(f"unknown language {lang!r}{closest(lang, LANGUAGES)}; choose from {', '.join(LANGUAGES)}")
        if all(spec.lang == lang for spec in self.specs):
            return self
        return Pipeline((replace(spec, lang=lang) for spec in self.specs), self.protect)

    def __add__(self, other: Pipeline) -> Pipeline:
        return Pipeline(self.specs + other.specs, self.protect)

    def __reduce__(self):
        return (Pipeline, (self.specs, self.protect))

    def __eq__(self, other) -> bool:
        return isinstance(other, Pipeline) and (self.specs, self.protect) == (other.specs, other.protect)

    def __hash__(self) -> int:
        return hash((self.specs, self.protect))

    def __repr__(self) -> str:
        protect = "" if self.protect == DEFAULT_PROTECT else f", protect={self.protect!r}"
        return f"Pipeline.parse({self.chain!r}{protect})"

    @property
    def chain(self) -> str:
        """The chain in the syntax `parse` accepts (options at their defaults omitted)."""
        return " ".join(str(s) for s in self.specs)

    @cached_property
    def passes(self) -> list:
        return compile_operations(op for spec in self.specs for op in spec.operations())

    @cached_property
    def plan(self) -> list[tuple]:
        """The passes as `run_plan` runs them on str (see `str_plan`)."""
        return str_plan(self.passes)

    @cached_property
    def map_passes(self) -> list[tuple[int, CompiledMap]]:
        """The code point maps among the passes, with their index."""
        return [(i, p) for i, p in enumerate(self.passes) if isinstance(p, CompiledMap)]

    @cached_property
    def cut_pattern(self) -> re.Pattern | None:
        """Where a line with no line break and no safe space near may be cut (stream.pair_cut):
        between two *different* characters that every pass leaves alone. No rule can then match
        across the cut (a rule that matches neither character alone, and is not triggered by
        them, would need them to be equal, like `elongation`, or to be marks, quotes or blanks),
        and no map or form changes them, so the cut does not move. A regular expression over the
        reversed text; None when no character qualifies (the line is then kept whole)."""
        chars = [c for c in CUT_CANDIDATES if all(untouched(p, c) for p in self.passes)]
        if not chars:
            return None
        charset = "".join(re.escape(c) for c in chars)
        return re.compile(f"([{charset}])(?!\\1)(?=[{charset}])")

    def cut_pair(self) -> re.Pattern | None:
        """`cut_pattern`, for the stream functions, which ask for it only when a line has no line
        break and no safe space near (a run's start-up does not pay for building it)."""
        return self.cut_pattern

    def prepare(self) -> None:
        """Compile and build every engine table now (before worker processes fork, so that they
        inherit them instead of each building its own)."""
        for n, (_, step_pass) in enumerate(self.map_passes):
            step_pass.prepare((self.byte_stops or "") if n == 0 else "")

    # --- running --------------------------------------------------------------------------------
    def __call__(self, text: str) -> str:
        """Normalize a string, a whole document (its protected spans as they are). A leading BOM
        is kept as it is (one: a second is a stray BOM to the steps, as in normalize_bytes)."""
        if text.startswith("\ufeff"):
            return "\ufeff" + self._normalize_text(text[1:])
        return self._normalize_text(text)

    def _normalize_text(self, text: str) -> str:
        if self.protect is None:
            return run_plan(self.plan, text)
        return self.protect.run_text(text, functools.partial(run_plan, self.plan))

    normalize = __call__

    def normalize_batch(self, texts: Iterable[str]) -> list[str]:
        """Normalize many strings (e.g. a pandas column); same result as mapping `self` over them,
        computed with one pass per map over the strings joined (see pandas.normalize_strings)."""
        from .pandas import normalize_strings  # (arabic_norm.pandas: pandas itself is not imported)

        return normalize_strings(self, texts)

    def normalize_bytes(self, data: bytes, errors: str = "strict", block_size: int = BLOCK_SIZE) -> bytes:
        """Normalize UTF-8 bytes. Everything the steps do not touch is preserved byte for byte.

        errors="strict" raises `UndecodableInput` (line and byte offset) on bytes that are not UTF-8;
        errors="surrogateescape" passes them through unchanged.
        """
        if data.startswith(BOM):
            return BOM + self.normalize_block(data[len(BOM) :], errors, len(BOM), 0, block_size)
        return self.normalize_block(data, errors, 0, 0, block_size)

    def iter_normalized(self, read, errors: str = "strict", block_size: int = BLOCK_SIZE):
        """Stream: normalize what `read(n)` returns, yielding output blocks (constant memory)."""
        for _, out in self.iter_pairs(read, errors, block_size):
            yield out

    def iter_pairs(self, read, errors: str = "strict", block_size: int = BLOCK_SIZE):
        """Like `iter_normalized`, but yields (input block, output block) pairs, for callers that
        need to know whether a block changed (in place, --check, --diff)."""
        return self.block_pairs(positioned_blocks(read, block_size, self.cut_pair), errors)

    def block_pairs(
        self, blocks: Iterable[Block], errors: str = "strict", state: State = START, tally: PassTally | None = None
    ):
        """(input, output) pairs for `stream.Block`s (from positioned_blocks or file_blocks).
        With protection the blocks are regrouped into whole lines and the scanner's state goes
        from each to the next; `state` is the state before the first (see protect.py). `tally`
        (--stats) holds what the passes did to a block when its pair is yielded (the caller
        resets it before asking for the next)."""
        if self.protect is not None:
            for block in whole_lines(blocks):
                if block.verbatim:
                    yield block.data, block.data
                    continue
                out, state = self.normalize_block_from(
                    state, block.data, errors, block.offset, block.lines, tally=tally
                )
                yield block.data, out
            return
        for block in blocks:
            if block.verbatim:
                yield block.data, block.data
            else:
                out = self._normalize_unprotected(block.data, errors, block.offset, block.lines, BLOCK_SIZE, tally)
                yield block.data, out

    def normalize_block(
        self, block: bytes, errors: str = "strict", offset: int = 0, lines: int = 0, piece_size: int = BLOCK_SIZE
    ) -> bytes:
        """`normalize_block_from` the start state: the whole input, or a block of it that
        `Protect.stateless` accepts (worker processes)."""
        return self.normalize_block_from(START, block, errors, offset, lines, piece_size)[0]

    def normalize_block_from(
        self,
        state: State,
        block: bytes,
        errors: str,
        offset: int,
        lines: int,
        piece_size: int = BLOCK_SIZE,
        tally: PassTally | None = None,
    ) -> tuple[bytes, State]:
        """Normalize `block` but its protected spans, the protection scanner being in `state` at
        its start; return the output and the state at its end."""
        if self.protect is None:
            return self._normalize_unprotected(block, errors, offset, lines, piece_size, tally), state

        if tally is not None:
            tally.spans = self.protect.scan(block, state)[0]  # (run_block scans again: it is cheap)

        def run(piece: bytes, start: int) -> bytes:
            lines_before = lines + block.count(b"\n", 0, start)
            return self._normalize_unprotected(piece, errors, offset + start, lines_before, piece_size, tally)

        return self.protect.run_block(block, state, run)

    def _normalize_unprotected(
        self, block: bytes, errors: str, offset: int, lines: int, piece_size: int, tally: PassTally | None = None
    ) -> bytes:
        """Normalize bytes that start and end at safe cuts (see stream.py), with no leading-BOM
        handling. `offset` and `lines` place the block in its input, for error messages. Returns
        `block` itself when nothing changes. A big block is worked on in pieces of `piece_size`
        bytes, which keeps every pass of the engine in the CPU cache."""
        if kernel.native is not None and len(block) > piece_size:  # (one pass of C: no cache to keep)
            whole = self._run_maps_on_bytes(block)
            if whole is not None:
                if tally is not None:
                    tally.whole = False
                return whole
        start, pieces, changed = 0, [], False
        while start < len(block):
            end = min(start + piece_size, len(block))
            if end < len(block):  # no safe place in this window (a huge line, no spaces): its end
                end = safe_cut(block, start, end, self.cut_pair) or (block.find(b"\n", end) + 1) or len(block)
            piece = block[start:end] if (start, end) != (0, len(block)) else block
            try:
                new = self._run_piece(piece, errors, tally)
            except UnicodeDecodeError as e:
                raise decode_error(e, piece, offset + start, lines + block.count(b"\n", 0, start)) from None
            pieces.append(new)
            changed = changed or new is not piece
            start = end
        return b"".join(pieces) if changed else block

    @cached_property
    def byte_stops(self) -> str | None:
        """The characters that send a piece down the str path: the triggers of every rule. A piece
        without them needs no rule, only the maps, which the byte engine runs on UTF-8 directly.
        None when that shortcut does not apply: no map, a rule without triggers (or a Unicode
        form), a trigger in ASCII, or a map that could produce a trigger."""
        triggers = [getattr(p, "triggers", "") for p in self.passes if not isinstance(p, CompiledMap)]
        produced = {c for _, m in self.map_passes for v in m.mapping.values() for c in v}
        stops = "".join(sorted(set("".join(triggers))))
        if not self.map_passes or not all(triggers) or any(c.isascii() for c in stops) or produced & set(stops):
            return None
        return stops

    def _run_maps_on_bytes(self, data: bytes) -> bytes | None:
        """Every pass run by the byte engine (no rule has work to do), or None: the str path is
        needed somewhere in `data` (see `_run_piece`)."""
        if self.byte_stops is None:
            return None
        for n, (_, step_pass) in enumerate(self.map_passes):
            data = step_pass.run_utf8(data, self.byte_stops if n == 0 else "")
            if data is None:
                return None
        return data

    def _run_piece(self, piece: bytes, errors: str, tally: PassTally | None = None) -> bytes:
        """Run the passes on one piece of UTF-8. When the piece holds no rule trigger (checked by
        the first map, see `byte_stops`) the maps run on the bytes; otherwise, and for whatever the
        byte engine cannot do, the piece is decoded and the passes run on the str. Returns `piece`
        itself when nothing changes."""
        data, stops = piece, self.byte_stops
        if stops is not None and tally is not None:  # (the byte engine counts nothing)
            tally.whole = False
        if stops is not None:
            for n, (i, step_pass) in enumerate(self.map_passes):
                new = step_pass.run_utf8(data, stops if n == 0 else "")
                if new is None:
                    if n == 0:
                        break  # a rule has work to do, or the bytes need the str path: from the start
                    text = data.decode("utf-8", errors)  # valid: the first map checked it
                    new = run_plan(self.plan[i:], text)
                    return data if new is text else new.encode("utf-8", errors)
                data = new
            else:
                return data
        return self.run_on_str(piece, errors, tally)

    def run_on_str(self, piece: bytes, errors: str = "strict", tally: PassTally | None = None) -> bytes:
        """The str path: `piece` decoded, every pass run on the text (`tally`: see run_plan), the
        result encoded; `piece` itself when nothing changes. UnicodeDecodeError as decoding raises
        it (the callers say where)."""
        text = piece.decode("utf-8", errors)
        new = run_plan(self.plan, text, tally)
        return piece if new is text else new.encode("utf-8", errors)

    # --- describing -----------------------------------------------------------------------------
    def explain(self, sample: str | None = None) -> Explanation:
        """The resolved chain, what each step does, how it compiles, and (optionally) what each
        step changes in `sample`: data (explain.py), printed as text by `str()`."""
        from .explain import ExplainedStep, Explanation  # here: only --explain needs it at start-up

        steps, text = [], sample
        for spec in self.specs:
            new = None if text is None else Pipeline([spec])(text)
            steps.append(ExplainedStep(spec.name, str(spec), spec.step.summary, text, new))
            text = new
        passes = tuple(
            f"code point map over {len(p.mapping)} characters" if isinstance(p, CompiledMap) else f"rule {p.name}"
            for p in self.passes
        )
        return Explanation(self.chain, tuple(steps), passes)

    def step_counts(self, text: str) -> tuple[str, list[tuple[str, int]]]:
        """Run step by step, counting characters changed by each: (result, [(step, count)])."""
        counts = []
        for spec in self.specs:
            changed = 0
            for op in spec.operations():
                if isinstance(op, CharMap):
                    compiled = CompiledMap(op.mapping)
                    changed += compiled.count(text)
                    text = compiled.run(text)
                else:
                    text, n = op.run_counted(text)
                    changed += n
            counts.append((spec.name, changed))
        return text, counts


def normalize(
    text: str, preset: str = "default", steps: str | None = None, protect: Protect | None = DEFAULT_PROTECT
) -> str:
    """Normalize `text` with a preset, or with a chain given as `steps`; `protect=None` normalizes
    URLs, addresses and marked regions too. The compiled pipeline is kept (`pipeline_for`): calls
    after the first cost what a reused `Pipeline` costs."""
    return pipeline_for(preset, steps, protect)(text)


# (preset, steps, protect) -> (the chain it stood for, its pipeline): one dict look-up per call of
# `normalize`, where parsing the chain again costs milliseconds and even `_parsed`'s key (hashing the
# chain and a Protect) costs more than a short string's normalization.
_recent: dict[tuple, tuple[str, Pipeline]] = {}


def pipeline_for(
    preset: str = "default", steps: str | None = None, protect: Protect | None = DEFAULT_PROTECT
) -> Pipeline:
    """The pipeline `normalize` uses, compiled once per chain and kept (the last 64 chains)."""
    key = (preset, steps, None if protect is DEFAULT_PROTECT else protect, protect is DEFAULT_PROTECT)
    kept = _recent.get(key)
    chain = steps or (PRESETS[preset].chain if preset in PRESETS else None)
    if kept is not None and kept[0] == chain:  # (a preset registered again under its name is seen)
        return kept[1]
    if chain is None:
        raise ChainError(f"unknown preset {preset!r}{closest(preset, PRESETS)}")
    pipeline = _parsed(chain, protect)
    if len(_recent) >= 64:
        _recent.clear()
    _recent[key] = (chain, pipeline)
    return pipeline


@functools.lru_cache(maxsize=64)
def _parsed(chain: str, protect: Protect | None) -> Pipeline:
    return Pipeline.parse(chain, protect)
