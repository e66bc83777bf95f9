"""Near-duplicate text by MinHash over character shingles, with LSH band keys. Pure.

A comment's signature is NUM_PERM minimum hashes of its 5-character shingles; the share
of equal positions in two signatures estimates the Jaccard similarity of their shingle
sets. Signatures are cut into BANDS bands of ROWS values: two comments sharing any band
key are candidates (likely above about 0.4 similarity), checked with `similarity`.
"""

import hashlib
import random
import re

NUM_PERM = 60
BANDS = 20
ROWS = NUM_PERM // BANDS
SHINGLE = 5
_PRIME = (1 << 61) - 1
# Fixed seed: signatures must agree across processes and runs (hashing, not secrecy).
_rng = random.Random(20261201)  # noqa: S311
_PERMS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(NUM_PERM)]
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")


def shingles(text: str) -> set[str]:
    """Return the 5-character shingles of the text, links, case and punctuation aside."""
    words = _NON_WORD.sub(" ", _URL.sub(" ", text).lower()).split()
    flat = " ".join(words)
    if len(flat) <= SHINGLE:
        return {flat} if flat else set()
    return {flat[i : i + SHINGLE] for i in range(len(flat) - SHINGLE + 1)}


def signature(text: str) -> list[int]:
    """Return the MinHash signature of `text` (NUM_PERM integers; all max for no text)."""
    hashes = [_hash64(s) for s in shingles(text)]
    if not hashes:
        return [_PRIME] * NUM_PERM
    return [min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMS]


def band_keys(sig: list[int]) -> list[str]:
    """Return the LSH band keys of a signature: equal keys make two comments candidates."""
    keys = []
    for band in range(BANDS):
        part = ",".join(str(v) for v in sig[band * ROWS : (band + 1) * ROWS])
        keys.append(f"b{band}:{hashlib.blake2b(part.encode(), digest_size=8).hexdigest()}")
    return keys


def similarity(one: list[int], other: list[int]) -> float:
    """Estimate the Jaccard similarity of two signatures' texts (0..1)."""
    if not one or len(one) != len(other):
        return 0.0
    return sum(a == b for a, b in zip(one, other, strict=True)) / len(one)


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")
