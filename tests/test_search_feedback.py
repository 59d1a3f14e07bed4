"""Issue 15 ranking options, without the model: Rocchio's centroid, RM3's words, figures on the query's subject."""

import numpy as np

from index.search import FEEDBACK_AND_FIGURES, VARIANTS, Ranking, feedback_vector, feedback_words, figure_on_subject
from kb.catalogue import Catalogue
from kb.sentences import answer_sentences, pack

DIM = 4


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


class StoredSentences:
    """The two catalogue reads these steps make: passage texts and packed answer-sentence vectors."""

    def __init__(self, texts: dict[str, str], vectors: dict[str, bytes]) -> None:
        self.texts, self.vectors = texts, vectors

    def passage_texts(self, ids):
        return {pid: (self.texts[pid], ()) for pid in ids if pid in self.texts}

    def sentence_vectors(self, ids):
        return {pid: self.vectors[pid] for pid in ids if pid in self.vectors}


def test_the_feedback_vector_is_the_unit_centroid_of_each_passages_sentence_centroid():
    catalogue = StoredSentences({}, {
        "a": pack(np.stack([unit(1, 0, 0, 0), unit(1, 0, 0, 0)])),  # two sentences count as one passage
        "b": pack(np.stack([unit(0, 1, 0, 0)])),
    })
    got = feedback_vector(catalogue, ["a", "b"], DIM)
    assert np.allclose(got, unit(1, 1, 0, 0), atol=0.02)


def test_passages_without_usable_sentence_vectors_give_no_feedback():
    catalogue = StoredSentences({}, {"empty": b"", "other model": pack(np.stack([unit(1, 0, 0, 0, 0)]))})
    assert feedback_vector(catalogue, ["empty", "other model", "missing"], DIM) is None


def test_a_number_question_counts_a_figure_only_in_a_sentence_on_its_subject():
    on_subject = ("Eleven of the reviews concerned victims aged over sixty in the county area. "
                  "The panel met in the council offices to agree the terms of reference.")
    off_subject = ("Older victims were killed by their adult sons in several of the county reviews. "
                   "The budget for the coming year was set at 40,000 pounds for the whole service.")
    no_vectors = "The panel found that 12 of the victims had been seen by their doctor in the last year."
    query = unit(1, 0, 0, 0)
    vectors = {  # sentence vectors in reading order: the first sentence of each is the one on the subject
        "on": pack(np.stack([unit(1, 0.1, 0, 0), unit(0, 0, 1, 0)])),
        "off": pack(np.stack([unit(1, 0.1, 0, 0), unit(0, 1, 0, 0)])),
    }
    assert [len(answer_sentences(t)) for t in (on_subject, off_subject)] == [2, 2]
    catalogue = StoredSentences({"on": on_subject, "off": off_subject, "plain": no_vectors}, vectors)
    assert figure_on_subject(catalogue, query, ["on", "off", "plain"], margin=0.05) == {"on", "plain"}
    assert figure_on_subject(catalogue, query, ["off"], margin=1.5) == {"off"}  # a wide margin: any figure


def test_feedback_and_figures_on_subject_are_measured_variants_not_the_default():
    assert Ranking().feedback == 0 and Ranking().figure_margin is None
    assert FEEDBACK_AND_FIGURES.feedback > 0 and FEEDBACK_AND_FIGURES.figure_margin is not None
    assert VARIANTS["adopted+feedback"] == Ranking(feedback=FEEDBACK_AND_FIGURES.feedback)
    assert VARIANTS["adopted+fb+on subject"] == FEEDBACK_AND_FIGURES


class IndexedTexts(Catalogue):
    """A catalogue whose full-text index holds `texts`, read back by `passage_texts`."""

    def __init__(self, path, texts: dict[str, str]) -> None:
        super().__init__(path)
        self.texts = texts
        for pid, text in texts.items():
            self.conn.execute("INSERT INTO passages_fts (text, passage_id) VALUES (?, ?)", (text, pid))
        self.conn.commit()

    def passage_texts(self, ids):
        return {pid: (self.texts[pid], ()) for pid in ids if pid in self.texts}


def test_lexical_feedback_adds_the_words_that_weigh_most_in_the_first_passages_and_are_not_the_querys(tmp_path):
    texts = {
        "a": "The chairperson wrote the overview report; the chairperson met the family.",
        "b": "Each chairperson completes training before the overview report is written.",
        "c": "The family met the police.", "d": "The police met the GP.", "e": "The GP met the family.",
    } | {f"other {i}": f"Visit {i}: the GP saw her." for i in range(20)}
    catalogue = IndexedTexts(tmp_path / "catalogue.sqlite3", texts)
    words = feedback_words(catalogue, ["a", "b"], "who writes the reports", n=2)
    assert words[0] == "chairperson"  # the most frequent in the first passages, and rare elsewhere
    assert "report" not in words and "family" not in words  # the query's own word (any form); a common one


def test_lexical_feedback_is_a_measured_variant_not_the_default():
    assert Ranking().lexical_feedback == 0
    assert VARIANTS["adopted+lexical feedback"].lexical_feedback > 0
