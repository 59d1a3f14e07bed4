"""List numbers are printed as Word and browsers print them."""

from ingest.numbering import html_letters, roman, word_letters


def test_roman_numerals():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994)] == ["i", "iv", "ix", "xiv", "xl", "xc", "cd", "mcmxciv"]


def test_word_repeats_the_letter_after_z_while_browsers_count_on():
    assert [word_letters(n) for n in (1, 26, 27, 28, 53)] == ["a", "z", "aa", "bb", "aaa"]
    assert [html_letters(n) for n in (1, 26, 27, 28, 53)] == ["a", "z", "aa", "ab", "ba"]
