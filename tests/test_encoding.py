"""Page bytes to text when the declared charset lies or the bytes mix encodings
(crawler/encoding.py); the end-to-end cases are in test_hostile.py."""
import pytest

from crawler.encoding import MIXED, decode_html, decode_stored

IT = "Perché il Torino è già in ritardo? La società valuterà più opzioni."
RU = "Московский «Спартак» официально объявил о назначении тренера."


def declared(body: bytes, encoding: str) -> tuple[str, str]:
    return decode_html(body, body.decode(encoding, errors="replace"), encoding)


@pytest.mark.parametrize("body, label, text, encoding", [
    (IT.encode("utf-8"), "utf-8", IT, "utf-8"),                      # nothing to mend
    (IT.encode("utf-8"), "cp1252", IT, "utf-8"),                     # header ISO-8859-1/windows-1252, bytes UTF-8
    (RU.encode("utf-8"), "cp1251", RU, "utf-8"),                     # header windows-1251, bytes UTF-8
    (IT.encode("cp1252"), "cp1252", IT, "cp1252"),                   # plain windows-1252: kept as declared
    (RU.encode("cp1251"), "cp1251", RU, "cp1251"),                   # plain windows-1251: kept as declared
    (('<meta charset="windows-1252">' + IT).encode("cp1252"), "utf-8", '<meta charset="windows-1252">' + IT, "cp1252"),
    ((RU * 3).encode("cp1251"), "utf-8", RU * 3, "cp1251"),         # windows-1251 labelled UTF-8: detected
    (("x" * 3000 + IT).encode("cp1252"), "utf-8", "x" * 3000 + IT, MIXED),  # a few stray bytes in a UTF-8 page
    (IT.encode("utf-8") + "è".encode("cp1252") + IT.encode("utf-8"), "utf-8", IT + "è" + IT, MIXED),
    (IT.encode("cp1252") + "“è”".encode("utf-8"), "cp1252", IT + "“è”", MIXED),
    (IT.encode("utf-8") + b"\x81", "utf-8", IT + "\ufffd", MIXED),  # undefined in windows-1252
    ("\ufeff".encode("utf-8") + IT.encode("utf-8"), "utf-8", IT, "utf-8"),
    (IT.encode("utf-16"), "utf-16", IT, "utf-16"),                   # valid UTF-8 bytes too, but UTF-16 wins
])
def test_decode_html(body, label, text, encoding):
    got, used = declared(body, label)
    assert got.lstrip("\ufeff") == text
    if encoding is not None:
        assert used == encoding
    assert "Ã" not in got and "Ð" not in got


def test_stored_mixed_bodies_decode_the_same_way():
    body = IT.encode("utf-8") + "’".encode("cp1252") + RU.encode("utf-8")
    text, encoding = declared(body, "utf-8")
    assert encoding == MIXED and decode_stored(body, encoding) == text == IT + "’" + RU
    assert decode_stored(IT.encode("cp1252"), "cp1252") == IT
