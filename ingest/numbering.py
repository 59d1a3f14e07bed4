"""List numbering as Word and browsers print it: roman numerals and letters."""

from __future__ import annotations

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def roman(n: int) -> str:
    """Lower-case roman numeral: 4 -> 'iv'."""
    out = ""
    for value, numeral in _ROMAN:
        while n >= value:
            out += numeral
            n -= value
    return out


def word_letters(n: int) -> str:
    """Word's lettered lists: a..z, then aa..zz, aaa.. (the letter repeated)."""
    if n <= 0:
        return ""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def html_letters(n: int) -> str:
    """A browser's <ol type="a">: a..z, then aa, ab, .. (bijective base 26)."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s or "a"
