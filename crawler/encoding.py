"""A page's bytes as text, when its declared charset cannot be trusted.

Scrapy decodes with the declared charset (HTTP header, then ``<meta>``), or detects one
when nothing is declared. Three kinds of pages defeat that:

* **the label lies**: the HTTP header says ISO-8859-1 (a server default) or windows-1251
  while ``<meta charset>`` and the bytes are UTF-8, which gives mojibake ("perchÃ©");
  or the header says UTF-8 over windows-1252 bytes, which gives U+FFFD;
* **mixed bytes**: a UTF-8 page with a few windows-1252 bytes pasted in (a CMS field, a
  Word quote), or a windows-1252 page with a pasted UTF-8 quote;
* **nothing declared** and a detector that guesses wrong.

The rules, in order:

1. UTF-16/32 pages (BOM or label) are left to Scrapy.
2. Bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the label says:
   text in a legacy 8-bit encoding is practically never valid UTF-8 (accented letters
   and Cyrillic would have to come in exact lead/continuation pairs).
3. Mostly UTF-8 with stray bytes (more UTF-8 characters than stray bytes; or a page
   labelled UTF-8, windows-1252 or ISO-8859-1 whose stray bytes are few): each
   well-formed UTF-8 sequence is read as UTF-8 and each stray byte as windows-1252,
   the encoding such bytes nearly always come from. The five byte values windows-1252
   leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD. The page's
   ``encoding`` is recorded as ``utf-8+windows-1252`` (:data:`MIXED`).
4. Otherwise the declared decoding is kept, unless it gives many U+FFFD: then the
   ``<meta charset>`` the HTTP header overrode, if it decodes the bytes cleanly, else
   charset-normalizer from the bytes (a windows-1251 page labelled UTF-8 everywhere).
"""
from __future__ import annotations

import codecs

import charset_normalizer
from w3lib.encoding import html_body_declared_encoding

#: recorded as ``pages.encoding`` for UTF-8 with stray windows-1252 bytes
MIXED = "utf-8+windows-1252"
#: more replacement characters than this share of the text means the declared charset lies
BAD_DECODING_SHARE = 0.002
#: labels under which a stray byte is windows-1252 (WHATWG reads ISO-8859-1 as windows-1252)
_WESTERN = {"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "iso8859-15", "ascii"}
_ERRORS = "transfernews.windows-1252"


def _stray_as_windows_1252(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error(_ERRORS, _stray_as_windows_1252)


def _codec(name: str | None) -> str:
    try:
        return codecs.lookup(name).name if name else ""
    except LookupError:
        return ""


def decode_mixed(body: bytes) -> str:
    """UTF-8 with every stray byte read as windows-1252 (rule 3)."""
    return body.decode("utf-8-sig", errors=_ERRORS)


def decode_html(body: bytes, declared_text: str, declared: str | None) -> tuple[str, str | None]:
    """``(text, encoding)`` for a page whose bytes are ``body``, which Scrapy decoded as
    ``declared_text`` with the charset ``declared``. See the module docstring."""
    codec = _codec(declared)
    if codec.startswith(("utf-16", "utf-32")) or body.isascii():
        return declared_text, declared
    as_utf8 = body.decode("utf-8-sig", errors="replace")
    stray = as_utf8.count("\ufffd") - body.count("\ufffd".encode())
    labelled_utf8 = codec in ("utf-8", "utf-8-sig")
    if stray <= 0:
        return (declared_text, declared) if labelled_utf8 else (as_utf8, "utf-8")
    wide = len(as_utf8) - len(as_utf8.encode("ascii", errors="ignore")) - stray  # well-formed UTF-8 characters
    few = stray <= BAD_DECODING_SHARE * len(as_utf8)
    if wide > stray or (codec in _WESTERN and (few or not labelled_utf8)):
        if wide <= 0 and not labelled_utf8:
            return declared_text, declared  # a plain windows-1252 page: nothing to mend
        return decode_mixed(body), MIXED
    bad = declared_text.count("\ufffd")
    if bad > BAD_DECODING_SHARE * max(len(declared_text), 1):
        # the label the HTTP header overrode: <meta charset>, if it decodes the bytes cleanly
        meta = html_body_declared_encoding(body)
        if meta and _codec(meta) != codec and not _codec(meta).startswith(("utf-16", "utf-32")):
            try:
                return body.decode(meta), meta
            except (LookupError, UnicodeDecodeError):
                pass
        best = charset_normalizer.from_bytes(body).best()
        if best is not None and best.encoding:
            candidate = str(best)
            if candidate.count("\ufffd") < bad:
                return candidate, best.encoding
    return declared_text, declared


def decode_stored(raw: bytes, encoding: str | None) -> str:
    """A stored body as text again, with the encoding recorded when it was fetched."""
    if encoding == MIXED:
        return decode_mixed(raw)
    for candidate in (encoding, "utf-8"):
        if candidate:
            try:
                return raw.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    return raw.decode("utf-8", errors="replace")
