"""Content fingerprints for near-duplicate detection: MinHash over word shingles, with LSH bands.

Why MinHash with bands stored in SQL:

* word 5-shingles of the casefolded text work in any language and script (no stemming,
  no stop words), and ignore layout;
* a 128-value MinHash signature estimates Jaccard similarity to about ±0.04, and
  together with the two shingle counts it also estimates *containment*, which catches
  a wire story re-run with an extra paragraph (low Jaccard, high containment);
* the signature is cut into 42 bands of 3 values; two texts with Jaccard ≥ 0.5 share at
  least one band with probability > 0.99 (0.94 at 0.4), unrelated texts almost never. The band hashes are rows of an indexed table
  (``article_bands``), so finding the candidates of a new article is a few indexed point
  lookups, whatever the size of the archive, and survives the process (unlike an
  in-memory LSH index), and is shared by every crawler writing to the same database.

Thresholds are tuned on labelled pairs (``bench/dedup.py``, ``docs/dedup.md``).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
#: 42 bands of 3 values (126 of the 128 used): a pair with Jaccard 0.4 shares a band
#: with probability 0.94, 0.5 → 0.996; unrelated articles (Jaccard ≈ 0.01) almost never
BANDS = 42
ROWS = 3
SHINGLE_WORDS = 5
SEED = 1
#: datasketch's hashing scheme, pinned: stored signatures must stay comparable when the
#: library's default changes
SCHEME = "affine32"
_WORD = re.compile(r"\w+", re.UNICODE)

#: a pair is a copy when the estimated Jaccard similarity reaches this …
JACCARD_MIN = 0.45
#: … or when the smaller text is this much contained in the larger one
CONTAINMENT_MIN = 0.75
#: containment is only trusted for texts with at least this many shingles
MIN_SHINGLES_FOR_CONTAINMENT = 25


def _hash32(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=4).digest(), "little")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class Fingerprint:
    signature: np.ndarray  # NUM_PERM uint32 values
    size: int  # distinct shingles

    def to_bytes(self) -> bytes:
        return self.signature.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes, size: int) -> "Fingerprint":
        return cls(np.frombuffer(blob, dtype="<u4"), size)

    def bands(self) -> list[int]:
        """One signed 64-bit hash per band (fits a SQL BIGINT)."""
        raw = self.signature.astype("<u4")
        return [
            int.from_bytes(hashlib.blake2b(raw[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).digest(),
                           "little", signed=True)
            for b in range(BANDS)
        ]


def fingerprint(text: str) -> Fingerprint:
    # imported here: datasketch loads scipy (about 70 MB), and the crawl process, whose
    # extraction workers compute the fingerprints, only reads and compares them
    from datasketch import MinHash

    shingle_set = shingles(text)
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_hash32, scheme=SCHEME)
    if shingle_set:
        minhash.update_batch(shingle_set)
    return Fingerprint(np.asarray(minhash.hashvalues, dtype=np.uint32), len(shingle_set))


def similarity(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """``(jaccard, containment)`` estimated from the signatures and shingle counts."""
    if not a.size or not b.size:
        return 0.0, 0.0
    jaccard = float(np.mean(a.signature == b.signature))
    # |A ∩ B| = J / (1 + J) · (|A| + |B|)
    intersection = jaccard / (1.0 + jaccard) * (a.size + b.size)
    containment = min(1.0, intersection / min(a.size, b.size))
    return jaccard, containment


def is_copy(a: Fingerprint, b: Fingerprint) -> tuple[bool, float]:
    """Whether ``b`` is a (near) copy of ``a``, and the score the decision used."""
    jaccard, containment = similarity(a, b)
    if jaccard >= JACCARD_MIN:
        return True, jaccard
    if min(a.size, b.size) >= MIN_SHINGLES_FOR_CONTAINMENT and containment >= CONTAINMENT_MIN:
        return True, containment
    return False, max(jaccard, containment)
