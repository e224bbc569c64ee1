"""Entry bodies compressed one by one with zstd and a store-wide dictionary.

A transcript line is a few hundred bytes of JSON whose keys and boilerplate
(``"parentUuid"``, ``"sessionId"``, ``"cwd"``, ``"gitBranch"`` ...) repeat on
every line: compressed alone it shrinks to about 0.7 of its size, with a
dictionary trained on the store's own lines to about 0.27. zstd (not stdlib
zlib) because zlib must re-read its 32 KB dictionary for every entry: on
these lines it compresses at 15-30 MB/s against zstd's 150-200 MB/s, and
decompresses at 50-100 MB/s against 500 MB/s, for a worse ratio (0.30-0.35).

Stored form (``entries.data``): TEXT is a line stored as written (schema 3
and before; read as is). A BLOB is one byte naming the dictionary (0: none,
else ``codec_dicts.id``) and a zstd frame without its magic number or
dictionary id (both implied): ``decode(encode(raw)) == raw``, byte for byte.

The store trains its first dictionary from the first large batch of lines it
writes (an import, or the schema 4 upgrade); entries written before that use
no dictionary. A dictionary, once used, is never changed or deleted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import zstandard

LEVEL = 3
DICT_BYTES = 64 * 1024
TRAIN_MIN_LINES = 400
TRAIN_MIN_BYTES = 256 * 1024
TRAIN_MAX_BYTES = 2 * 1024 * 1024
NO_DICT = 0

_PARAMS = zstandard.ZstdCompressionParameters.from_level(
    LEVEL,
    format=zstandard.FORMAT_ZSTD1_MAGICLESS,
    write_content_size=1,
    write_dict_id=0,
    write_checksum=0,
)


class CodecError(Exception):
    """A stored body names a dictionary this store does not have."""


def train(lines: list[bytes]) -> bytes | None:
    """A dictionary trained on ``lines``, or None when they are too few to pay."""
    if len(lines) < TRAIN_MIN_LINES or sum(map(len, lines)) < TRAIN_MIN_BYTES:
        return None
    try:
        return zstandard.train_dictionary(DICT_BYTES, lines).as_bytes()
    except zstandard.ZstdError:
        return None  # e.g. lines too alike to yield a dictionary of that size


class EntryCodec:
    """Encodes with the newest dictionary, decodes with any known one.

    Compression happens only under the store's write lock (one thread at a
    time); decoding happens on any thread, so each thread has its own
    decompression contexts.
    """

    def __init__(self) -> None:
        self._dicts: dict[int, zstandard.ZstdCompressionDict] = {}
        self._current = NO_DICT
        self._compressor = zstandard.ZstdCompressor(compression_params=_PARAMS)
        self._local = threading.local()

    @property
    def current(self) -> int:
        """The dictionary new entries are compressed with (0: none yet)."""
        return self._current

    def knows(self, dict_id: int) -> bool:
        return dict_id == NO_DICT or dict_id in self._dicts

    def add(self, dict_id: int, data: bytes) -> None:
        """Learn a stored dictionary; the highest id becomes the current one."""
        if dict_id in self._dicts:
            return
        zdict = zstandard.ZstdCompressionDict(data)
        self._dicts[dict_id] = zdict
        if dict_id > self._current:
            zdict.precompute_compress(compression_params=_PARAMS)
            self._current = dict_id
            self._compressor = zstandard.ZstdCompressor(dict_data=zdict, compression_params=_PARAMS)

    def add_all(self, rows: Iterable[tuple[int, bytes]]) -> None:
        for dict_id, data in sorted(rows):
            self.add(dict_id, data)

    def encode(self, raw: bytes) -> bytes:
        return bytes((self._current,)) + self._compressor.compress(raw)

    def encoder(self) -> Callable[[bytes], bytes]:
        """An ``encode`` with its own compression context, for another thread."""
        prefix = bytes((self._current,))
        zdict = self._dicts.get(self._current)
        compress = (
            zstandard.ZstdCompressor(dict_data=zdict, compression_params=_PARAMS)
            if zdict is not None
            else zstandard.ZstdCompressor(compression_params=_PARAMS)
        ).compress
        return lambda raw: prefix + compress(raw)

    def decode(self, stored: bytes | str) -> bytes:
        """The line as written, from either stored form."""
        if isinstance(stored, str):
            return stored.encode("utf-8", "surrogatepass")
        dict_id = stored[0]
        contexts: dict[int, zstandard.ZstdDecompressor] | None = getattr(self._local, "contexts", None)
        if contexts is None:
            contexts = self._local.contexts = {}
        context = contexts.get(dict_id)
        if context is None:
            if dict_id == NO_DICT:
                context = zstandard.ZstdDecompressor(format=zstandard.FORMAT_ZSTD1_MAGICLESS)
            elif dict_id in self._dicts:
                context = zstandard.ZstdDecompressor(
                    dict_data=self._dicts[dict_id], format=zstandard.FORMAT_ZSTD1_MAGICLESS
                )
            else:
                raise CodecError(f"entry compressed with unknown dictionary {dict_id}")
            contexts[dict_id] = context
        return context.decompress(memoryview(stored)[1:])


def uuid_key(value: object) -> bytes | str | None:
    """An entry's uuid as stored: a canonical UUID (36 characters, lower case) as
    its 16 bytes, any other string as is, anything else as no uuid.

    Half the entries have one, stored in the row and in the unique index that
    deduplicates appends: as text that is 2 x 37 bytes an entry, 7% of the
    store."""
    if type(value) is not str:
        return None
    if len(value) == 36:
        try:
            packed = bytes.fromhex(value.replace("-", ""))
        except ValueError:
            return value
        if len(packed) == 16 and uuid_text(packed) == value:
            return packed
    return value


def uuid_text(stored: bytes | str | None) -> str | None:
    """The uuid ``uuid_key`` stored, as the entry holds it."""
    if type(stored) is bytes:
        h = stored.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return stored  # type: ignore[return-value]
