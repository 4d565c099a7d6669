"""Word frequencies in Spanish texts, with stop words removed (for the word cloud and table)."""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

STOP_WORDS_FILE = Path(__file__).with_name("stopwords_es.txt")
# Letters (with Spanish accents and ñ/ü), allowing inner hyphens or apostrophes.
WORD = re.compile(r"[a-záéíóúüñ]+(?:[-'][a-záéíóúüñ]+)*")
URL = re.compile(r"https?://\S+|www\.\S+")


@cache
def stop_words() -> frozenset[str]:
    words = set()
    for line in STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
            words.add(strip_accents(line))
    return frozenset(words)


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    # Keep ñ: it is a letter of its own in Spanish, not an accented n.
    kept = []
    for char in decomposed:
        if unicodedata.category(char) == "Mn" and char != "\u0303":
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def tokens(text: str) -> list[str]:
    text = URL.sub(" ", unicodedata.normalize("NFC", text.lower()))
    return WORD.findall(text)


def word_frequencies(
    texts: Iterable[str], *, limit: int = 50, min_length: int = 3
) -> list[tuple[str, int]]:
    """Most frequent meaningful words, most frequent first (ties alphabetically)."""
    stops = stop_words()
    counts: Counter[str] = Counter()
    for text in texts:
        for word in tokens(text):
            if len(word) < min_length or word in stops or strip_accents(word) in stops:
                continue
            counts[word] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
