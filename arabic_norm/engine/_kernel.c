/* The compiled kernel: a code point map applied to UTF-8 bytes (or to a str) in one pass.
 *
 * Python side: arabic_norm/kernel.py, which builds `Map` objects and says when this module is used
 * (it is optional: without a C compiler the numpy engine of utf8.py/engine.py does the same work).
 *
 * Map(mapping, stops) compiles {code point: replacement} for BMP keys (no surrogates) into one
 * action per BMP code point: 0 keeps the character, any other value indexes an entry holding the
 * replacement as UTF-8 (for bytes) and as code points (for str). An entry is a *stop* for bytes
 * when its UTF-8 is longer than the character's own (the output could outgrow the input) or when
 * the character is in `stops` (a rule trigger): `run` then returns None and the caller takes
 * the str path, exactly where the numpy byte engine (utf8.py) gives up.
 *
 * run(data) validates UTF-8 exactly as Python's strict decoder does (Unicode table 3-7: no
 * overlongs, no surrogates, nothing past U+10FFFF, no truncated or stray bytes) and returns None
 * on the first byte it does not accept: the str path then reports it (or passes it through with
 * surrogateescape). Unchanged input comes back as the same object.
 *
 * run_str(text) maps a str; every replacement is allowed there (one character to several too).
 * Both take an optional `counts` buffer (one uint64 per entry, entry k being the k-th key of the
 * mapping) and add to it each character they map: --stats counts while it maps.
 *
 * count_byte(data, byte): data.count(bytes([byte])), without looking at one byte at a time.
 *
 * keep_freed_memory(limit) and parent_death_signal(signum): two settings of the process, for the
 * command line (see each below).
 *
 * count_utf8(data, slots, n) / count_str(text, slots, n): occurrences of code points, for --stats.
 * `slots` is 65536 native uint16: 0 = not counted, k = add to counter k-1 (of n). Bytes that
 * are not UTF-8 are skipped one at a time, which is what decoding them with surrogateescape gives.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h> /* mallopt, for keep_freed_memory */
#endif
#if defined(__linux__)
#include <sys/prctl.h> /* PR_SET_PDEATHSIG, for parent_death_signal */
#endif

#define BMP 0x10000
#define STOP_UTF8 1

typedef struct {
    uint8_t flags;
    uint8_t u8len;
    uint8_t u8[4]; /* the replacement's UTF-8 (up to 3 bytes), zero padded */
    Py_ssize_t off; /* into the code point pool */
    Py_ssize_t len;
} Entry;

typedef struct {
    PyObject_HEAD
    uint16_t *action; /* BMP entries, 0 = keep */
    Entry *entries;   /* entries[0] unused */
    Py_UCS4 *pool;    /* replacements as code points */
    Py_UCS4 maxchar;  /* largest code point of any replacement */
    int expands;      /* some replacement has several code points */
    Py_ssize_t nentries;
    /* Two-byte characters (all of Arabic), indexed by their two bytes read as a uint16 (in the
     * machine's byte order), so that one lookup both decodes and maps them: their output bytes
     * (themselves when kept) ... */
    uint32_t *rep_pair;
    uint8_t *len_pair; /* ... and how many of them count; NOT_A_PAIR for a stop, and for any two
                          bytes that are not a two-byte character */
    uint16_t *entry_pair; /* its entry (action[] of its code point), for --stats counts */
    /* U+0600-U+06FF (the Arabic block: UTF-8 D8 80 to DB BF) for the vector loop, indexed by
     * (first byte & 3) << 6 | (second byte & 0x3F): the output's first byte, and its second byte
     * (0x80-0xBF) or a code below 0x80 (VEC_DELETE, VEC_ONE_BYTE: the first byte alone, VEC_STOP). */
    uint8_t vec_first[256], vec_second[256];
} MapObject;

#define PAIRS 0x10000
#define NOT_A_PAIR 0xFF
#define VEC_DELETE 0
#define VEC_ONE_BYTE 1
#define VEC_STOP 2

static void Map_dealloc(MapObject *self) {
    PyMem_Free(self->action);
    PyMem_Free(self->entries);
    PyMem_Free(self->pool);
    PyMem_Free(self->rep_pair);
    PyMem_Free(self->len_pair);
    PyMem_Free(self->entry_pair);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int utf8_len(Py_UCS4 c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

static int Map_init(MapObject *self, PyObject *args, PyObject *kwds) {
    PyObject *mapping, *stops = NULL;
    static char *kwlist[] = {"mapping", "stops", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!|U", kwlist, &PyDict_Type, &mapping, &stops))
        return -1;
    if (self->action) {
        PyErr_SetString(PyExc_TypeError, "Map is already built");
        return -1;
    }
    Py_ssize_t nstops = stops ? PyUnicode_GET_LENGTH(stops) : 0;
    Py_ssize_t nentries = PyDict_Size(mapping) + nstops + 1, poolsize = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(mapping, &pos, &key, &value)) {
        if (!PyUnicode_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "replacements must be str");
            return -1;
        }
        poolsize += PyUnicode_GET_LENGTH(value);
    }
    self->action = PyMem_Calloc(BMP, sizeof(uint16_t));
    self->entries = PyMem_Calloc(nentries, sizeof(Entry));
    self->pool = PyMem_Calloc(poolsize + nstops + 1, sizeof(Py_UCS4)); /* stops: one each */
    if (!self->action || !self->entries || !self->pool) {
        PyErr_NoMemory();
        return -1;
    }
    if (nentries > 0xFFFF) {
        PyErr_SetString(PyExc_ValueError, "too many keys");
        return -1;
    }
    Py_ssize_t n = 1, used = 0;
    self->nentries = nentries;
    pos = 0;
    while (PyDict_Next(mapping, &pos, &key, &value)) {
        long k = PyLong_AsLong(key);
        if (k == -1 && PyErr_Occurred()) return -1;
        if (k < 0 || k >= BMP || (k >= 0xD800 && k < 0xE000)) {
            PyErr_SetString(PyExc_ValueError, "keys must be BMP code points, not surrogates");
            return -1;
        }
        Entry *e = &self->entries[n];
        Py_ssize_t len = PyUnicode_GET_LENGTH(value), bytes = 0;
        e->off = used;
        e->len = len;
        for (Py_ssize_t j = 0; j < len; j++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(value, j);
            self->pool[used++] = c;
            if (c > self->maxchar) self->maxchar = c;
            bytes += utf8_len(c);
        }
        if (len > 1) self->expands = 1;
        if (bytes > utf8_len((Py_UCS4)k)) {
            e->flags |= STOP_UTF8;
        } else {
            PyObject *encoded = PyUnicode_AsUTF8String(value);
            if (!encoded) return -1;
            e->u8len = (uint8_t)bytes;
            memcpy(e->u8, PyBytes_AS_STRING(encoded), bytes);
            Py_DECREF(encoded);
        }
        self->action[k] = (uint16_t)n++;
    }
    for (Py_ssize_t j = 0; j < nstops; j++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(stops, j);
        if (c >= BMP) continue; /* never met on the byte path: the caller refuses such maps */
        if (!self->action[c]) { /* a stop that the map keeps: maps to itself in str */
            Entry *e = &self->entries[n];
            e->off = used;
            e->len = 1;
            self->pool[used++] = c;
            self->action[c] = (uint16_t)n++;
        }
        self->entries[self->action[c]].flags |= STOP_UTF8;
    }
    return 0;
}

/* The two-byte tables, built when the map first runs on bytes (a map for str never needs them). */
static int build_pairs(MapObject *self) {
    self->rep_pair = PyMem_Calloc(PAIRS, sizeof(uint32_t));
    self->len_pair = PyMem_Malloc(PAIRS);
    self->entry_pair = PyMem_Calloc(PAIRS, sizeof(uint16_t));
    if (!self->rep_pair || !self->len_pair || !self->entry_pair) {
        PyMem_Free(self->rep_pair);
        PyMem_Free(self->len_pair);
        PyMem_Free(self->entry_pair);
        self->rep_pair = NULL;
        self->len_pair = NULL;
        self->entry_pair = NULL;
        PyErr_NoMemory();
        return -1;
    }
    memset(self->len_pair, NOT_A_PAIR, PAIRS);
    for (Py_UCS4 c = 0x80; c < 0x800; c++) {
        const Entry *e = &self->entries[self->action[c]];
        uint8_t own[4] = {(uint8_t)(0xC0 | c >> 6), (uint8_t)(0x80 | (c & 0x3F)), 0, 0};
        uint16_t pair;
        memcpy(&pair, own, 2);
        self->entry_pair[pair] = self->action[c];
        if (!self->action[c]) {
            memcpy(&self->rep_pair[pair], own, 4);
            self->len_pair[pair] = 2;
        } else if (!(e->flags & STOP_UTF8)) {
            memcpy(&self->rep_pair[pair], e->u8, 4);
            self->len_pair[pair] = e->u8len;
        } /* a stop: NOT_A_PAIR, and the general path gives up there */
    }
    for (int k = 0; k < 256; k++) { /* the Arabic block, as the pair tables map it */
        uint8_t own[2] = {(uint8_t)(0xD8 | k >> 6), (uint8_t)(0x80 | (k & 0x3F))}, rep[4];
        uint16_t pair;
        memcpy(&pair, own, 2);
        memcpy(rep, &self->rep_pair[pair], 4);
        uint8_t l = self->len_pair[pair];
        self->vec_first[k] = rep[0];
        self->vec_second[k] = l == NOT_A_PAIR ? VEC_STOP : l == 0 ? VEC_DELETE : l == 1 ? VEC_ONE_BYTE : rep[1];
    }
    return 0;
}

/* Accept the next UTF-8 character at src[i] (n bytes in all): its length, with its code point in
 * *cp (4-byte characters: cp is 0x10000, past every table), or 0 when the bytes are not UTF-8. */
static inline int next_char(const uint8_t *src, Py_ssize_t i, Py_ssize_t n, Py_UCS4 *cp) {
    uint8_t b0 = src[i];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    if (b0 < 0xC2) return 0; /* continuation byte, or overlong C0/C1 */
    if (b0 < 0xE0) {
        if (i + 1 >= n || (src[i + 1] & 0xC0) != 0x80) return 0;
        *cp = ((Py_UCS4)(b0 & 0x1F) << 6) | (src[i + 1] & 0x3F);
        return 2;
    }
    if (b0 < 0xF0) {
        if (i + 2 >= n) return 0;
        uint8_t b1 = src[i + 1], lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
        if (b1 < lo || b1 > hi || (src[i + 2] & 0xC0) != 0x80) return 0;
        *cp = ((Py_UCS4)(b0 & 0x0F) << 12) | ((Py_UCS4)(b1 & 0x3F) << 6) | (src[i + 2] & 0x3F);
        return 3;
    }
    if (b0 < 0xF5) {
        if (i + 3 >= n) return 0;
        uint8_t b1 = src[i + 1], lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
        if (b1 < lo || b1 > hi || (src[i + 2] & 0xC0) != 0x80 || (src[i + 3] & 0xC0) != 0x80) return 0;
        *cp = BMP;
        return 4;
    }
    return 0;
}

#define HIGH_BITS 0x8080808080808080ULL

/* Skip ASCII eight bytes at a time. */
static inline Py_ssize_t skip_ascii(const uint8_t *src, Py_ssize_t i, Py_ssize_t n) {
    uint64_t w;
    while (i + 8 <= n) {
        memcpy(&w, src + i, 8);
        if (w & HIGH_BITS) break;
        i += 8;
    }
    while (i < n && src[i] < 0x80) i++;
    return i;
}

/* The first character at or after i that the map changes (or stops at): its index, n when there
 * is none, -1 when the bytes are not UTF-8. Nothing is written: most blocks of most text end here. */
static Py_ssize_t first_mapped(const MapObject *self, const uint8_t *src, Py_ssize_t i, Py_ssize_t n) {
    const uint16_t *action = self->action;
    Py_UCS4 cp;
    while ((i = skip_ascii(src, i, n)) < n) {
        /* a run of non-ASCII characters (an Arabic word): no ASCII check per character */
        while (i < n && src[i] >= 0x80) {
            if (i + 1 < n) { /* two bytes (all of Arabic): kept when the map writes them back */
                uint16_t pair;
                uint32_t own = 0;
                memcpy(&pair, src + i, 2);
                memcpy(&own, src + i, 2);
                uint8_t l = self->len_pair[pair];
                if (l != NOT_A_PAIR) {
                    if (l != 2 || self->rep_pair[pair] != own) return i;
                    i += 2;
                    continue;
                }
            }
            int len = next_char(src, i, n, &cp);
            if (!len) return -1;
            if (cp < BMP && action[cp]) return i;
            i += len;
        }
    }
    return n;
}

/* From the first change on, every character is written (a copy of four bytes, of which `len`
 * count): cheaper than a memcpy per unchanged run in densely vowelled text. `out` has 4 bytes
 * of slack. Returns the output length, or -1 to give up (not UTF-8, a stop). */
static inline Py_ssize_t map_chars(const MapObject *self, const uint8_t *src, Py_ssize_t *at, Py_ssize_t limit,
                                   Py_ssize_t n, uint8_t *out, Py_ssize_t o, uint64_t *counts, const int counting) {
    const uint16_t *action = self->action;
    Py_UCS4 cp;
    uint64_t w;
    uint32_t four;
    Py_ssize_t i = *at;
    while (i < limit && i + 1 < n) { /* two bytes at least: the last byte is the only other bound check */
        /* two bytes (all of Arabic), asked first: one lookup decodes and maps them, no branch on
         * whether the character is mapped */
        uint16_t pair;
        memcpy(&pair, src + i, 2);
        uint8_t l = self->len_pair[pair];
        if (l != NOT_A_PAIR) {
            if (counting) counts[self->entry_pair[pair]]++; /* [0]: the kept ones */
            memcpy(out + o, &self->rep_pair[pair], 4);
            o += l;
            i += 2;
            continue;
        }
        uint8_t b0 = src[i];
        if (b0 < 0x80) { /* ASCII (the space between two words): eight at a time when there are eight */
            if (i + 8 <= n) {
                memcpy(&w, src + i, 8);
                if (!(w & HIGH_BITS)) {
                    memcpy(out + o, &w, 8);
                    i += 8;
                    o += 8;
                    continue;
                }
            }
            out[o++] = b0;
            i++;
            continue;
        }
        int len;
        if (!(len = next_char(src, i, n, &cp))) return -1;
        uint16_t a = cp < BMP ? action[cp] : 0;
        if (!a) {
            if (i + 4 <= n) {
                memcpy(&four, src + i, 4);
                memcpy(out + o, &four, 4);
            } else {
                memcpy(out + o, src + i, len);
            }
            o += len;
        } else {
            const Entry *e = &self->entries[a];
            if (e->flags & STOP_UTF8) return -1;
            if (counting) counts[a]++;
            memcpy(out + o, e->u8, 4); /* u8 is zero padded: 4 bytes are readable */
            o += e->u8len;
        }
        i += len;
    }
    if (i < limit && i < n) { /* the last byte of the data: ASCII, or the bytes are not UTF-8 */
        if (src[i] >= 0x80) return -1;
        out[o++] = src[i++];
    }
    *at = i;
    return o;
}

/* map_chars compiled twice, so that the loop without counts tests nothing for them. */
static Py_ssize_t map_from(const MapObject *self, const uint8_t *src, Py_ssize_t i, Py_ssize_t n, uint8_t *out,
                           Py_ssize_t o, uint64_t *counts) {
    return counts ? map_chars(self, src, &i, n, n, out, o, counts, 1) : map_chars(self, src, &i, n, n, out, o, NULL, 0);
}

/* The vector loop: 64 bytes at a time, with AVX-512 (VBMI2's byte compress), where the processor
 * has it; everywhere else, and for --stats counts, map_from's loop does the same work. A chunk of
 * 64 bytes is mapped in registers when it holds only ASCII (which no byte map changes: kernel.py
 * refuses maps with ASCII keys) and characters of the Arabic block U+0600-U+06FF, whole or with
 * the first byte of one last character, left to the next chunk: each character's output is looked
 * up in vec_first/vec_second (256 entries, four registers each), deleted bytes are squeezed out
 * (vpcompressb) and the 64 bytes stored, of which the next chunk overwrites what does not count.
 * Any other chunk (other characters, a stop, bytes that are not UTF-8) goes to map_chars, which
 * takes whole characters up to and just past the chunk's end, and checks and gives up exactly as
 * without the vector loop. The output is never longer than the input (longer replacements are
 * stops), so a 64-byte store at `o` <= `i` stays inside the output when `i + 64` <= n. */
static int vector_on = 0; /* set at import where the processor has the instructions; see k_vector */

/* GCC 9 and clang 9 know these instructions and __builtin_cpu_supports' names for them */
#if defined(__x86_64__) && ((defined(__clang__) && __clang_major__ >= 9) || (!defined(__clang__) && __GNUC__ >= 9))
#include <immintrin.h>
#define HAVE_VECTOR 1
#define VECTOR_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt")))

static int vector_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2");
}

VECTOR_TARGET static Py_ssize_t map_vector(const MapObject *self, const uint8_t *src, Py_ssize_t n, uint8_t *out) {
    const __m512i first0 = _mm512_loadu_si512(self->vec_first), first1 = _mm512_loadu_si512(self->vec_first + 64),
                  first2 = _mm512_loadu_si512(self->vec_first + 128), first3 = _mm512_loadu_si512(self->vec_first + 192),
                  second0 = _mm512_loadu_si512(self->vec_second), second1 = _mm512_loadu_si512(self->vec_second + 64),
                  second2 = _mm512_loadu_si512(self->vec_second + 128),
                  second3 = _mm512_loadu_si512(self->vec_second + 192);
    uint8_t next_at[64], previous_at[64]; /* byte k of a register moved to k - 1, to k + 1 */
    for (int k = 0; k < 64; k++) {
        next_at[k] = (uint8_t)(k < 63 ? k + 1 : 63);
        previous_at[k] = (uint8_t)(k > 0 ? k - 1 : 0);
    }
    const __m512i to_previous = _mm512_loadu_si512(next_at), to_next = _mm512_loadu_si512(previous_at);
    const __m512i lead_bits = _mm512_set1_epi8((char)0xFC), arabic_lead = _mm512_set1_epi8((char)0xD8),
                  top_two = _mm512_set1_epi8((char)0xC0), continuation = _mm512_set1_epi8((char)0x80),
                  three = _mm512_set1_epi8(3), low_six = _mm512_set1_epi8(0x3F);
    Py_ssize_t i = 0, o = 0;
    while (i + 64 <= n) {
        __m512i v = _mm512_loadu_si512(src + i);
        __mmask64 high = _mm512_movepi8_mask(v); /* bytes from 0x80 up */
        if (!high) {
            _mm512_storeu_si512(out + o, v);
            i += 64;
            o += 64;
            continue;
        }
        __mmask64 lead = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, lead_bits), arabic_lead);
        __mmask64 second = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, top_two), continuation);
        __mmask64 in = lead >> 63 ? ~(1ULL << 63) : ~0ULL; /* a first byte last: left to the next chunk */
        lead &= in;
        if ((high & in) != (lead | lead << 1) || (second & in) != lead << 1) {
            o = map_chars(self, src, &i, i + 64, n, out, o, NULL, 0);
            if (o < 0) return -1;
            continue;
        }
        /* at each first byte: its character's index in the tables, from it and the byte after */
        __m512i index = _mm512_or_si512(_mm512_slli_epi16(_mm512_and_si512(v, three), 6),
                                        _mm512_and_si512(_mm512_permutexvar_epi8(to_previous, v), low_six));
        __mmask64 upper = _mm512_movepi8_mask(index);
        __m512i firsts = _mm512_mask_blend_epi8(upper, _mm512_permutex2var_epi8(first0, index, first1),
                                                _mm512_permutex2var_epi8(first2, index, first3));
        __m512i seconds = _mm512_mask_blend_epi8(upper, _mm512_permutex2var_epi8(second0, index, second1),
                                                 _mm512_permutex2var_epi8(second2, index, second3));
        if (_mm512_mask_cmpeq_epi8_mask(lead, seconds, _mm512_set1_epi8(VEC_STOP))) return -1; /* as map_chars */
        __mmask64 deleted = _mm512_mask_cmpeq_epi8_mask(lead, seconds, _mm512_set1_epi8(VEC_DELETE));
        __mmask64 one_byte = _mm512_mask_cmpeq_epi8_mask(lead, seconds, _mm512_set1_epi8(VEC_ONE_BYTE));
        __mmask64 keep = in & ~(deleted | deleted << 1 | one_byte << 1);
        __m512i w = _mm512_mask_blend_epi8(lead, v, firsts);
        w = _mm512_mask_blend_epi8(lead << 1, w, _mm512_permutexvar_epi8(to_next, seconds));
        _mm512_storeu_si512(out + o, _mm512_maskz_compress_epi8(keep, w));
        o += _mm_popcnt_u64(keep);
        i += in >> 63 ? 64 : 63;
    }
    return map_chars(self, src, &i, n, n, out, o, NULL, 0);
}
#else
static int vector_supported(void) { return 0; }
#endif

/* run(data, counts=None): with `counts` (a writable array of nentries uint64, see `entries`), each
 * character mapped adds one to counts[its entry] (entries are numbered from 1 in the order of the
 * mapping's keys; counts[0] gets some of the characters kept, and means nothing). Counts are
 * complete only when the result is not None. */
/* The `counts` argument of run and run_str: NULL for None, else its buffer (one writable uint64
 * per entry; the caller keeps it alive for the call). Returns -1 with an exception set. */
static int get_counts(const MapObject *self, PyObject *obj, uint64_t **counts) {
    *counts = NULL;
    if (obj == Py_None) return 0;
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_WRITABLE) < 0) return -1;
    Py_ssize_t len = view.len;
    *counts = view.buf;
    PyBuffer_Release(&view);
    if (len < (Py_ssize_t)(self->nentries * sizeof(uint64_t))) {
        PyErr_SetString(PyExc_ValueError, "counts is too small: one uint64 per entry");
        return -1;
    }
    return 0;
}

static PyObject *Map_run_utf8(MapObject *self, PyObject *args) {
    PyObject *arg, *counts_obj = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &arg, &counts_obj)) return NULL;
    if (!self->len_pair && build_pairs(self) < 0) return NULL;
    uint64_t *counts;
    if (get_counts(self, counts_obj, &counts) < 0) return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const uint8_t *src = view.buf;
    Py_ssize_t n = view.len, first, o;
    PyObject *result = NULL;
#ifdef HAVE_VECTOR
    if (vector_on && !counts) { /* no search for the first change: the vector loop outruns it */
        if (!(result = PyBytes_FromStringAndSize(NULL, n + 4))) {
            PyBuffer_Release(&view);
            return NULL;
        }
        o = map_vector(self, src, n, (uint8_t *)PyBytes_AS_STRING(result));
        goto mapped;
    }
#endif
    if ((first = first_mapped(self, src, 0, n)) < 0) goto give_up;
    if (first == n) {
        PyBuffer_Release(&view);
        if (PyBytes_CheckExact(arg)) {
            Py_INCREF(arg);
            return arg;
        }
        return PyBytes_FromStringAndSize((const char *)src, n);
    }
    result = PyBytes_FromStringAndSize(NULL, n + 4);
    if (!result) {
        PyBuffer_Release(&view);
        return NULL;
    }
    memcpy(PyBytes_AS_STRING(result), src, first);
    o = map_from(self, src, first, n, (uint8_t *)PyBytes_AS_STRING(result), first, counts);
mapped:
    if (o < 0) goto give_up;
    if (o == n && memcmp(PyBytes_AS_STRING(result), src, n) == 0 && PyBytes_CheckExact(arg)) {
        Py_DECREF(result);
        PyBuffer_Release(&view);
        Py_INCREF(arg);
        return arg;
    }
    PyBuffer_Release(&view);
    if (_PyBytes_Resize(&result, o) < 0) return NULL;
    return result;
give_up:
    Py_XDECREF(result);
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

/* One loop per str kind: the first changed index, then the mapped copy into a UCS4/UCS2/UCS1
 * buffer of the output kind. */
#define MAP_STR(SRC_T, DST_T)                                                                     \
    {                                                                                             \
        const SRC_T *src = (const SRC_T *)data;                                                   \
        Py_ssize_t i = 0;                                                                         \
        for (; i < n; i++)                                                                        \
            if (src[i] < BMP && action[src[i]]) break;                                            \
        if (i == n) {                                                                             \
            Py_INCREF(text);                                                                      \
            return text;                                                                          \
        }                                                                                         \
        Py_ssize_t cap = n + 16, o = 0;                                                           \
        DST_T *out = PyMem_Malloc(cap * sizeof(DST_T));                                           \
        if (!out) return PyErr_NoMemory();                                                        \
        for (Py_ssize_t j = 0; j < i; j++) out[o++] = (DST_T)src[j];                              \
        for (; i < n; i++) {                                                                      \
            Py_UCS4 c = src[i];                                                                   \
            uint16_t a = c < BMP ? action[c] : 0;                                                 \
            if (!a) {                                                                             \
                out[o++] = (DST_T)c;                                                              \
                continue;                                                                         \
            }                                                                                     \
            const Entry *e = &self->entries[a];                                                   \
            if (o + e->len + (n - i) > cap) {                                                     \
                cap = (o + e->len + (n - i)) * 2;                                                 \
                DST_T *grown = PyMem_Realloc(out, cap * sizeof(DST_T));                           \
                if (!grown) {                                                             \
                    PyMem_Free(out);                                                              \
                    return PyErr_NoMemory();                                                      \
                }                                                                                 \
                out = grown;                                                                      \
            }                                                                                     \
            if (counts) counts[a]++;                                                              \
            for (Py_ssize_t k = 0; k < e->len; k++) out[o++] = (DST_T)self->pool[e->off + k];     \
        }                                                                                         \
        PyObject *r = PyUnicode_FromKindAndData(sizeof(DST_T), out, o);                           \
        PyMem_Free(out);                                                                          \
        if (r && PyUnicode_GET_LENGTH(r) == n && PyUnicode_Compare(r, text) == 0) {               \
            Py_DECREF(r);                                                                         \
            Py_INCREF(text);                                                                      \
            return text;                                                                          \
        }                                                                                         \
        return r;                                                                                 \
    }

static PyObject *Map_run_str(MapObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "run_str(text, counts=None) needs a str");
        return NULL;
    }
    PyObject *text = args[0];
    uint64_t *counts; /* --stats: one uint64 per entry, incremented for each character it maps */
    if (get_counts(self, nargs == 2 ? args[1] : Py_None, &counts) < 0) return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const uint16_t *action = self->action;
    Py_UCS4 top = self->maxchar > PyUnicode_MAX_CHAR_VALUE(text) ? self->maxchar : PyUnicode_MAX_CHAR_VALUE(text);
    int out_kind = top < 0x100 ? 1 : top < 0x10000 ? 2 : 4;
    if (kind == PyUnicode_1BYTE_KIND) {
        if (out_kind == 1) MAP_STR(Py_UCS1, Py_UCS1)
        else if (out_kind == 2) MAP_STR(Py_UCS1, Py_UCS2)
        else MAP_STR(Py_UCS1, Py_UCS4)
    } else if (kind == PyUnicode_2BYTE_KIND) {
        if (out_kind == 2) MAP_STR(Py_UCS2, Py_UCS2)
        else MAP_STR(Py_UCS2, Py_UCS4)
    } else {
        MAP_STR(Py_UCS4, Py_UCS4)
    }
}

static int get_slots(PyObject *obj, Py_buffer *slots, Py_ssize_t *nslots, PyObject *nobj) {
    if (PyObject_GetBuffer(obj, slots, PyBUF_SIMPLE) < 0) return -1;
    if (slots->len != BMP * 2) {
        PyBuffer_Release(slots);
        PyErr_SetString(PyExc_ValueError, "slots must be 65536 uint16");
        return -1;
    }
    *nslots = PyLong_AsSsize_t(nobj);
    if (*nslots < 0) {
        PyBuffer_Release(slots);
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "negative count");
        return -1;
    }
    return 0;
}

static PyObject *counts_list(const uint64_t *counts, Py_ssize_t n) {
    PyObject *list = PyList_New(n);
    if (!list) return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *v = PyLong_FromUnsignedLongLong(counts[k]);
        if (!v) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, v);
    }
    return list;
}


static PyObject *k_count_utf8(PyObject *module, PyObject *args) {
    PyObject *data_obj, *slots_obj, *nobj;
    if (!PyArg_ParseTuple(args, "OOO", &data_obj, &slots_obj, &nobj)) return NULL;
    Py_buffer data, slots;
    Py_ssize_t nslots;
    if (get_slots(slots_obj, &slots, &nslots, nobj) < 0) return NULL;
    if (PyObject_GetBuffer(data_obj, &data, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&slots);
        return NULL;
    }
    uint64_t *counts = PyMem_Calloc(nslots + 1, sizeof(uint64_t));
    if (!counts) {
        PyBuffer_Release(&slots);
        PyBuffer_Release(&data);
        return PyErr_NoMemory();
    }
    const uint8_t *src = data.buf;
    const uint16_t *sl = slots.buf;
    Py_ssize_t n = data.len, i = 0;
    int ascii_counted = 0;
    for (Py_UCS4 c = 0; c < 0x80; c++)
        if (sl[c]) ascii_counted = 1;
    Py_UCS4 cp;
    uint64_t w;
    while (i < n) {
        uint8_t b0 = src[i];
        int len;
        if (b0 < 0x80) {
            if (!ascii_counted && i + 8 <= n) {
                memcpy(&w, src + i, 8);
                if (!(w & HIGH_BITS)) {
                    i += 8;
                    continue;
                }
            }
            cp = b0;
            len = 1;
        } else if (b0 >= 0xC2 && b0 < 0xE0 && i + 1 < n && (src[i + 1] & 0xC0) == 0x80) { /* Arabic */
            cp = ((Py_UCS4)(b0 & 0x1F) << 6) | (src[i + 1] & 0x3F);
            len = 2;
        } else if (!(len = next_char(src, i, n, &cp))) {
            i++; /* not UTF-8: one byte, one escaped surrogate, never counted */
            continue;
        }
        if (cp < BMP) {
            uint16_t slot = sl[cp];
            if (slot && slot <= nslots) counts[slot - 1]++;
        }
        i += len;
    }
    PyObject *list = counts_list(counts, nslots);
    PyMem_Free(counts);
    PyBuffer_Release(&slots);
    PyBuffer_Release(&data);
    return list;
}

static PyObject *k_count_str(PyObject *module, PyObject *args) {
    PyObject *text, *slots_obj, *nobj;
    if (!PyArg_ParseTuple(args, "UOO", &text, &slots_obj, &nobj)) return NULL;
    Py_buffer slots;
    Py_ssize_t nslots;
    if (get_slots(slots_obj, &slots, &nslots, nobj) < 0) return NULL;
    uint64_t *counts = PyMem_Calloc(nslots + 1, sizeof(uint64_t));
    if (!counts) {
        PyBuffer_Release(&slots);
        return PyErr_NoMemory();
    }
    const uint16_t *sl = slots.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < BMP && sl[c] && sl[c] <= nslots) counts[sl[c] - 1]++;
    }
    PyObject *list = counts_list(counts, nslots);
    PyMem_Free(counts);
    PyBuffer_Release(&slots);
    return list;
}

static PyMethodDef Map_methods[] = {
    {"run", (PyCFunction)Map_run_utf8, METH_VARARGS,
     "Mapped UTF-8 bytes; the same object when nothing changes; None: not UTF-8, a stop, or too long."},
    {"run_str", (PyCFunction)(void (*)(void))Map_run_str, METH_FASTCALL,
     "run_str(text, counts=None): mapped str, the same object when nothing changes; counts as for run()."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject MapType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "arabic_norm._kernel.Map",
    .tp_basicsize = sizeof(MapObject),
    .tp_dealloc = (destructor)Map_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Map(mapping, stops=''): a code point map compiled for UTF-8 bytes and str.",
    .tp_methods = Map_methods,
    .tp_init = (initproc)Map_init,
    .tp_new = PyType_GenericNew,
};

/* The offset of `needle` in `hay`, or -1. memchr finds candidates for one byte of the needle (the
 * last, unless it is a UTF-8 continuation byte, which Arabic text is half made of: then the first),
 * memcmp checks them: several GB/s on text where that byte is rare, as the bytes protect.py looks
 * for are in Arabic text ("://", "www.", "@", "arabic-norm:", a private-use sentinel). */
static Py_ssize_t find_bytes(const uint8_t *hay, Py_ssize_t n, const uint8_t *needle, Py_ssize_t m) {
    if (m == 0) return 0;
    if (m > n) return -1;
    Py_ssize_t at = (needle[m - 1] & 0xC0) == 0x80 ? 0 : m - 1; /* the byte memchr looks for */
    const uint8_t *p = hay + at, *last = hay + n - m + at;      /* candidates for needle[at] */
    while (p <= last) {
        p = memchr(p, needle[at], (size_t)(last - p + 1));
        if (!p) return -1;
        if (memcmp(p - at, needle, (size_t)m) == 0) return p - at - hay;
        p++;
    }
    return -1;
}

/* contains_any(data, needles): whether any of the bytes objects `needles` occurs in `data` (any
 * buffer: bytes, mmap). protect.py's test of every block for what it could protect; `in` on bytes
 * makes one pass per needle at about 1.5 GB/s on Arabic text. */
static PyObject *k_contains_any(PyObject *module, PyObject *args) {
    PyObject *data_obj, *needles;
    if (!PyArg_ParseTuple(args, "OO!", &data_obj, &PyTuple_Type, &needles)) return NULL;
    Py_buffer data;
    if (PyObject_GetBuffer(data_obj, &data, PyBUF_SIMPLE) < 0) return NULL;
    int found = 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles) && !found; k++) {
        PyObject *needle = PyTuple_GET_ITEM(needles, k);
        if (!PyBytes_Check(needle)) {
            PyBuffer_Release(&data);
            PyErr_SetString(PyExc_TypeError, "needles must be bytes");
            return NULL;
        }
        found = find_bytes(data.buf, data.len, (const uint8_t *)PyBytes_AS_STRING(needle), PyBytes_GET_SIZE(needle)) >= 0;
    }
    PyBuffer_Release(&data);
    return PyBool_FromLong(found);
}

/* find(data, needle, start=0): find_bytes from `start` on, as bytes.find answers (-1: none). A
 * fast call: protect.py asks it once per URL or address. */
static PyObject *k_find(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "find(data, needle, start=0)");
        return NULL;
    }
    Py_ssize_t start = 0;
    if (nargs == 3 && (start = PyLong_AsSsize_t(args[2])) == -1 && PyErr_Occurred()) return NULL;
    Py_buffer data, needle;
    if (PyObject_GetBuffer(args[0], &data, PyBUF_SIMPLE) < 0) return NULL;
    if (PyObject_GetBuffer(args[1], &needle, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&data);
        return NULL;
    }
    if (start < 0) start = 0 > data.len + start ? 0 : data.len + start; /* as slices count */
    Py_ssize_t at = -1;
    if (start <= data.len) {
        at = find_bytes((const uint8_t *)data.buf + start, data.len - start, needle.buf, needle.len);
        if (at >= 0) at += start;
    }
    PyBuffer_Release(&data);
    PyBuffer_Release(&needle);
    return PyLong_FromSsize_t(at);
}

/* find_run(text, n, start): the index of the first character at or after `start` that begins a
 * run of `n` or more identical characters, or -1. The elongation rule (جمييييل) searches only the
 * lines holding one, instead of trying its pattern at every letter. */
#define FIND_RUN(T)                                                                               \
    {                                                                                             \
        const T *chars = (const T *)data;                                                         \
        Py_ssize_t run = 0;                                                                       \
        for (Py_ssize_t i = start; i < len; i++) {                                                \
            run = (run && chars[i] == chars[i - 1]) ? run + 1 : 1;                                \
            if (run >= n) return PyLong_FromSsize_t(i - n + 1);                                   \
        }                                                                                         \
        return PyLong_FromSsize_t(-1);                                                            \
    }

static PyObject *k_find_run(PyObject *module, PyObject *args) {
    PyObject *text;
    Py_ssize_t n, start;
    if (!PyArg_ParseTuple(args, "Unn", &text, &n, &start)) return NULL;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    if (n < 1) n = 1;
    if (start < 0) start = 0;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND: FIND_RUN(Py_UCS1)
    case PyUnicode_2BYTE_KIND: FIND_RUN(Py_UCS2)
    default: FIND_RUN(Py_UCS4)
    }
}

/* count_byte(data, byte): how many times `byte` occurs in `data` (any buffer). The lines of each
 * block of a stream are counted (for the line numbers of error messages): bytes.count looks at one
 * byte at a time, a tenth of a run over piped text; this loop the compiler vectorizes. */
static PyObject *k_count_byte(PyObject *module, PyObject *args) {
    Py_buffer data;
    int byte;
    if (!PyArg_ParseTuple(args, "y*i", &data, &byte)) return NULL;
    if (byte < 0 || byte > 255) {
        PyBuffer_Release(&data);
        PyErr_SetString(PyExc_ValueError, "byte must be in range(256)");
        return NULL;
    }
    const uint8_t *p = data.buf, b = (uint8_t)byte;
    Py_ssize_t n = data.len, count = 0;
    while (n > 0) { /* 255 bytes at most per round: their matches fit the byte-wide sum */
        Py_ssize_t round = n < 255 ? n : 255;
        uint8_t matches = 0;
        for (Py_ssize_t i = 0; i < round; i++) matches += p[i] == b;
        count += matches;
        p += round;
        n -= round;
    }
    PyBuffer_Release(&data);
    return PyLong_FromSsize_t(count);
}

/* keep_freed_memory(limit): glibc's malloc keeps blocks of up to `limit` bytes in its heap when
 * they are freed, and serves blocks that size from it. By default a block over 128 KiB is mapped
 * afresh (or the heap's top returned to the system once 128 KiB are free there, a threshold that
 * only grows as blocks are freed), so each 1 MiB block a run reads and writes lands in new pages, and
 * every page costs a fault: 16,000 faults and a quarter of the time of a run over a 60 MB file
 * here. The command line sets it (its process reads block after block of the same size); the
 * library does not touch the memory of the program that imports it. False: not glibc. */
static PyObject *k_keep_freed_memory(PyObject *module, PyObject *arg) {
    Py_ssize_t limit = PyLong_AsSsize_t(arg);
    if (limit == -1 && PyErr_Occurred()) return NULL;
    if (limit < 0 || limit > INT_MAX) {
        PyErr_SetString(PyExc_ValueError, "limit must be between 0 and INT_MAX");
        return NULL;
    }
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    return PyBool_FromLong(mallopt(M_MMAP_THRESHOLD, (int)limit) && mallopt(M_TRIM_THRESHOLD, (int)limit));
#else
    Py_RETURN_FALSE;
#endif
}

/* parent_death_signal(signum): the signal this process gets when its parent ends (Linux prctl
 * PR_SET_PDEATHSIG), for -j's workers. Here because the other way, ctypes, is imported by each
 * worker after it forks: a few milliseconds before it starts its first range. False: not Linux. */
static PyObject *k_parent_death_signal(PyObject *module, PyObject *arg) {
    long signum = PyLong_AsLong(arg);
    if (signum == -1 && PyErr_Occurred()) return NULL;
#if defined(__linux__) && defined(PR_SET_PDEATHSIG)
    if (prctl(PR_SET_PDEATHSIG, (unsigned long)signum, 0, 0, 0) != 0) return PyErr_SetFromErrno(PyExc_OSError);
    Py_RETURN_TRUE;
#else
    Py_RETURN_FALSE;
#endif
}

/* vector(on=None): whether Map.run uses the vector loop (see map_vector); `on` switches it, on
 * only where the processor has the instructions. kernel.py switches it off for
 * ARABIC_NORM_NO_VECTOR=1; the tests run both loops. */
static PyObject *k_vector(PyObject *module, PyObject *args) {
    PyObject *on = Py_None;
    if (!PyArg_ParseTuple(args, "|O", &on)) return NULL;
    if (on != Py_None) {
        int wanted = PyObject_IsTrue(on);
        if (wanted < 0) return NULL;
        vector_on = wanted && vector_supported();
    }
    return PyBool_FromLong(vector_on);
}

static PyMethodDef module_methods[] = {
    {"vector", k_vector, METH_VARARGS, "vector(on=None): whether Map.run uses the vector loop; on switches it."},
    {"count_byte", k_count_byte, METH_VARARGS, "count_byte(data, byte): occurrences of one byte value in data."},
    {"parent_death_signal", k_parent_death_signal, METH_O, "parent_death_signal(signum): signal sent when the parent ends (Linux)."},
    {"keep_freed_memory", k_keep_freed_memory, METH_O, "keep_freed_memory(limit): freed blocks up to limit bytes stay in the heap (glibc)."},
    {"count_utf8", k_count_utf8, METH_VARARGS, "count_utf8(data, slots, n): counts of code points per slot."},
    {"count_str", k_count_str, METH_VARARGS, "count_str(text, slots, n): counts of code points per slot."},
    {"find_run", k_find_run, METH_VARARGS, "find_run(text, n, start): where a run of n identical characters begins."},
    {"find", (PyCFunction)(void (*)(void))k_find, METH_FASTCALL, "find(data, needle, start=0): like data.find(needle, start)."},
    {"contains_any", k_contains_any, METH_VARARGS, "contains_any(data, needles): whether any needle occurs in data."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT, "_kernel", "The compiled code point map kernel (see _kernel.c).", -1, module_methods,
};

PyMODINIT_FUNC PyInit__kernel(void) {
    if (PyType_Ready(&MapType) < 0) return NULL;
    vector_on = vector_supported();
    PyObject *m = PyModule_Create(&kernel_module);
    if (!m) return NULL;
    Py_INCREF(&MapType);
    if (PyModule_AddObject(m, "Map", (PyObject *)&MapType) < 0) {
        Py_DECREF(&MapType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
