"""Answer a query with cited excerpts: hybrid retrieval, one result per piece of evidence.

The full pipeline (`search`, ranked as `Ranking()` says):
1. dense: the query's embedding against Chroma (passages are embedded with their document's title and
   section heading, see ingest.pipeline.embedding_text); lexical: BM25 over FTS5 with the field's
   vocabulary expanded both ways; answer sentences: the candidates of both scored by their best
   sentence's stored vector. All apply the same filters.
2. weighted reciprocal rank fusion of the lists, with a share of their rescaled scores added (a close
   cosine counts for more than a distant one at the same rank), plus a boost for passages tagged with a
   theme the query names ("alcohol", "MARAC", "coercive control"); for a number question ("how
   many", "what share"), for passages that state a figure, and more when it stands next to what the
   question counts ("153 reviews"); for a query naming years ("in 2022-23"), for passages of the
   report on that period or stating it (`index.periods`). Two measured options are off by default
   (see FEEDBACK and FIGURE_MARGIN): Rocchio feedback on the vector side, and counting only a figure in a
   sentence on the query's subject; so is RM3-style feedback on the lexical side (LEXICAL_FEEDBACK).
3. the passages either side of a top result compete with it for its place, by their best sentence (for a number
   question, first by stating the figure next to what it counts).
4. near-duplicates (the same words, give or take a truncation or a heading) fold into one result that
   lists every source; by default at most `per_doc` results come from one document.
5. for each result the sentence(s) that best answer the query are picked out, verbatim, by the sentence
   vectors stored at ingest (`index.highlights`); for a number question, the one with the figure.
`dense_search` and `lexical_only` are the two single-retriever baselines the evaluation compares.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from index.fusion import features, fusion_model
from index.highlights import add_highlights, figure_near_subject, has_figure, is_number_question, subject_words
from index.lexical import STOPWORDS, TOKEN, fts_terms, idf, lexical_search
from index.periods import Asked, asked_years, document_periods, periods_in, year_match
from index.scope import Scope
from kb.catalogue import Catalogue, OccurrenceInfo, fts_tokens
from kb.models import Excerpt
from kb.query import Filters, Query
from kb.records import record_id
from kb.sentences import unpack

if TYPE_CHECKING:
    from index.embedder import Embedder
    from index.vectors import VectorStore

RRF_K = 20  # chosen on the dev split of tests/data/retrieval_queries.jsonl (20 vs 60)
THEME_BOOST = 0.5  # in units of a first-place RRF vote: a named theme lifts, it does not override
NEAR_DUPLICATE = 0.8  # Jaccard similarity of word 3-gram sets above which two passages are one piece of evidence
CANDIDATES = 60
DENSE_WEIGHT = 0.7  # BM25 is the stronger single retriever on DHR prose; chosen on the dev split
LEXICAL_WEIGHT = 1.0
SENTENCE_WEIGHT = 0.7  # issue 15: measured on the dev split of the real-text set (1.0 alone was within a point)
NUMBER_BOOST = 0.5  # a number question: a passage stating a figure gains half a first-place vote
# Rank fusion alone ignores how far apart two scores are: a passage whose best sentence is a near-paraphrase of
# the query and one that only just made a list get similar votes. Half a first-place vote per unit of the lists'
# rescaled scores breaks such ties (issue 15, dev split of the real-text set: MRR +1.6 points, R@10 +1.4; 1.0 lost
# a point of MRR on the current set; the scores alone, without ranks, lost 2 points of R@10).
SCORE_MIX = 0.5
# Two options measured for issue 15 and left off (Ranking(feedback=FEEDBACK, figure_margin=FIGURE_MARGIN) turns
# them on). Pseudo-relevance feedback on the dense side (Rocchio): the query vector plus FEEDBACK times the
# centroid of the FEEDBACK_DEPTH best fused passages (their stored answer-sentence vectors) is searched again, and
# that list replaces the first vector list. Figures on the subject: a number question lifts a passage only when the
# sentence holding its figure is within FIGURE_MARGIN cosine of the passage's best sentence. Both together, on the
# real-text set: dev split (mean of 3 runs) R@5 +2.9 points, R@10 +0.9, MRR +0.4, current set R@10 +1.6; but the
# test split, run once, R@5 0.0, R@10 -0.9, MRR -2.1, for ~13% more query time at 100k passages: not adopted.
FEEDBACK = 0.3
FEEDBACK_DEPTH = 3
FIGURE_MARGIN = 0.05
# Measured again after the steps below (real-text dev split, R@5/R@10/MRR from .813/.918/.732): the Rocchio feedback
# alone at 0.15/0.3/0.5 .833-.842/.899-.907/.728-.734, R@5 up, R@10 and MRR flat; and RM3-style lexical feedback
# (Ranking(lexical_feedback=...), `feedback_words`): BM25 run again with the FEEDBACK_TERMS words weighing most in the
# FEEDBACK_DEPTH best fused passages, its list fused at LEXICAL_FEEDBACK: dev .831/.907/.745 (MRR +1.3, R@10 -1.1),
# current set R@10 -0.8, MRR -1.1; 0.3 dev .833/.897/.741, current R@10 -1.3. Neither adopted (issue 15).
LEXICAL_FEEDBACK = 0.5
FEEDBACK_TERMS = 5
# Three steps for issue 15's "wrong year's report" and number questions (dev split of the real-text set: R@10 .883 ->
# .909, MRR .687 -> .729, each step gaining alone; the current set unchanged; bench/eval_retrieval.py --variants).
# The test split, run once at the end: R@10 .858 -> .848, MRR .669 -> .661 (years and neighbours no change, the
# figure next to what is counted the whole loss); adopted on the dev evidence, as measured.
# A query naming years ("in 2022-23", "the October 2019 analysis") gives a passage YEAR_BOOST first-place votes times
# how well its document's period (by title, else date) or a period its text states covers them (index.periods): last
# year's report with the same wording then ranks below this year's. A number question gives a passage FIGURE_NEAR
# first-place votes more when a figure stands next to what the question counts ("153 reviews", "36% of victims"),
# not only somewhere in it ("the 12 months to ..."), and when it names what it counts, a top result's neighbour that
# states that figure takes its place (`let_neighbours_compete`).
YEAR_BOOST = 1.0
FIGURE_NEAR = 1.0


# --- retrievers --------------------------------------------------------------------------------


OVERFETCH = 10  # a filtered vector query first takes this many times the candidates, unfiltered, and filters them
# A filter allowing fewer records searches them by id; a wider one uses Chroma's own filter. At 1,000,000 passages
# (bench/scale.py store), a section filter allowing 97,000 records: by id 110-215 ms, Chroma's filter 500-3,900 ms.
MAX_ALLOWED_IDS = 200_000


def records_of(allowed: list[OccurrenceInfo]) -> tuple[list[str], dict[tuple[str, int], OccurrenceInfo]]:
    """The Chroma record ids of these occurrences, and each occurrence by its (doc_id, ordinal)."""
    return [record_id(o.doc_id, o.ordinal) for o in allowed], {(o.doc_id, o.ordinal): o for o in allowed}


def dense_ranking(
    query_vec: np.ndarray, vectors: VectorStore, catalogue: Catalogue, filters: Filters | Scope | None,
    n: int = CANDIDATES,
) -> list[tuple[str, float]]:
    """Distinct passage ids by cosine similarity (best occurrence of each), over `n` filtered occurrences.

    With a filter, the nearest `n * OVERFETCH` records are fetched unfiltered and tested in the catalogue:
    HNSW search is a few milliseconds, while Chroma's own metadata filter cost up to 300 ms at 100k
    passages when it lets most records through. When too few pass (a narrow filter), the catalogue lists
    the records the filter allows and Chroma searches only those (its metadata filter is the last resort,
    for a very wide list). Either way the result is the filtered top `n`.
    """
    scope = filters if isinstance(filters, Scope) else Scope.of(filters, catalogue)
    if scope.empty:
        hits = vectors.query(query_vec, n=n)
        infos = catalogue.occurrence_info([h.key for h in hits])
    else:
        hits = vectors.query(query_vec, n=n * OVERFETCH)
        infos = catalogue.occurrence_info([h.key for h in hits], with_themes=bool(scope.filters.theme))
        passing = [h for h in hits if h.key in infos and scope.accepts(infos[h.key])]
        if len(passing) >= n or len(hits) < n * OVERFETCH:
            hits = passing[:n]
        else:
            allowed = scope.allowed(catalogue)
            if not allowed:
                hits = []
            elif len(allowed) <= MAX_ALLOWED_IDS:  # search just those records
                ids, infos = scope.derived(catalogue, "records", records_of)
                hits = vectors.query(query_vec, n=n, ids=ids)
            else:
                hits = vectors.query(query_vec, n=n, where=scope.chroma_where())
                infos = catalogue.occurrence_info([h.key for h in hits])
    best: dict[str, float] = {}
    for hit in hits:
        info = infos.get(hit.key)
        if info is not None:  # records of documents not (or no longer) published are skipped
            best[info.passage_id] = max(best.get(info.passage_id, -2.0), 1.0 - hit.distance)
    return sorted(best.items(), key=lambda kv: -kv[1])


def fuse(
    rankings: list[list[tuple[str, float]]], weights: list[float] | None = None, k: int | None = None
) -> dict[str, float]:
    """Weighted reciprocal rank fusion: list i votes weights[i] / (k + rank) for each of its ids."""
    k = RRF_K if k is None else k
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (pid, _) in enumerate(ranking, 1):
            scores[pid] += weight / (k + rank)
    return scores


def fuse_scores(rankings: list[list[tuple[str, float]]], weights: list[float]) -> dict[str, float]:
    """Weighted sum of each list's scores rescaled to 0..1 over the list (0 where a list lacks the id).

    Cosines and BM25 scores are on different scales, so each list is rescaled between its own worst and best.
    """
    scores: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        if not ranking:
            continue
        values = [v for _, v in ranking]
        low, span = min(values), (max(values) - min(values)) or 1.0
        for pid, value in ranking:
            scores[pid] += weight * (value - low) / span
    return scores


@cache
def _theme_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled pattern per theme (its label and phrases), built once per process."""
    from kb.taxonomy import load_taxonomy

    out = []
    for theme in load_taxonomy().themes:
        phrases = sorted({str(p).lower().strip() for p in (theme.label, *theme.patterns)} - {""}, key=len, reverse=True)
        phrases = [p for p in phrases if len(p) > 2]
        if phrases:
            alternatives = "|".join(re.escape(p) for p in phrases)
            out.append((theme.id, re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])")))
    return tuple(out)


def query_themes(query: str) -> list[str]:
    """Themes the query names, by the taxonomy's labels and patterns (no spaCy needed)."""
    lowered = f" {query.lower()} "
    return [theme_id for theme_id, pattern in _theme_patterns() if pattern.search(lowered)]


# --- folding and diversity ---------------------------------------------------------------------


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(max(len(words) - 2, 1))}


def near_duplicate(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> bool:
    """Same evidence: most 3-grams shared, or one text contained in the other (a truncated copy)."""
    if not a or not b:
        return False
    inter = len(a & b)
    return inter / len(a | b) >= NEAR_DUPLICATE or inter / min(len(a), len(b)) >= 0.9


DIVERSE_WINDOW = 5  # the per-document cap holds over the first results a reader sees


def fold_and_diversify(excerpts: list[Excerpt], top: int, per_doc: int | None) -> list[Excerpt]:
    """Merge near-duplicate excerpts (keeping every source), then diversify the opening results.

    Among the first DIVERSE_WINDOW results no document supplies more than `per_doc` passages;
    passages held back keep their rank order after that window, so a document that really holds
    most of the evidence still shows it further down. `per_doc=None` lifts the cap.
    """
    kept: list[tuple[Excerpt, set[tuple[str, ...]]]] = []
    for ex in excerpts:
        sh = _shingles(ex.text)
        for i, (other, other_sh) in enumerate(kept):
            if near_duplicate(sh, other_sh):
                seen = {(s.doc_id, s.paragraph) for s in other.sources}
                extra = tuple(s for s in ex.sources if (s.doc_id, s.paragraph) not in seen)
                kept[i] = (replace(other, sources=other.sources + extra), other_sh)
                break
        else:
            kept.append((ex, sh))
    folded = [ex for ex, _ in kept]
    if not per_doc:
        return folded[:top]
    opening: list[Excerpt] = []
    held_back: list[Excerpt] = []
    per: dict[str, int] = defaultdict(int)
    for ex in folded:
        docs = {s.doc_id for s in ex.sources}
        if len(opening) >= DIVERSE_WINDOW or all(per[d] >= per_doc for d in docs):
            held_back.append(ex)
            continue
        opening.append(ex)
        for d in docs:
            per[d] += 1
    return (opening + held_back)[:top]


def summarise(excerpts: list[Excerpt], max_points: int = 4) -> list[tuple[int, str]]:
    """Key points: one highlighted sentence per result, best first, as (result number, verbatim sentence)."""
    points: list[tuple[int, str]] = []
    seen: list[set[tuple[str, ...]]] = []
    for n, ex in enumerate(excerpts, 1):
        if not ex.highlights:
            continue
        sentence = ex.highlights[0]
        sh = _shingles(sentence)
        if any(near_duplicate(sh, other) for other in seen):
            continue
        seen.append(sh)
        points.append((n, sentence))
        if len(points) == max_points:
            break
    return points


# --- the pipelines -----------------------------------------------------------------------------


def build_excerpts(
    catalogue: Catalogue, ranked: list[tuple[str, float]], scope: Scope | None = None
) -> list[Excerpt]:
    """Attach text, themes and every source to ranked passage ids; drop ids the catalogue no longer serves.

    With a document filter, the sources it accepts come first: they are what the reader asked for,
    and the first source is the one cited.
    """
    ids = [pid for pid, _ in ranked]
    texts = catalogue.passage_texts(ids)
    sources = catalogue.sources(ids)
    wanted = scope.doc_ids if scope is not None else None
    out = []
    for pid, score in ranked:
        if pid not in texts or pid not in sources:
            continue
        found = sources[pid]
        if wanted is not None:
            found = [s for s in found if s.doc_id in wanted] + [s for s in found if s.doc_id not in wanted]
        out.append(Excerpt(pid, texts[pid][0], score, texts[pid][1], tuple(found)))
    return out


def dense_search(query: Query, catalogue: Catalogue, vectors: VectorStore, embedder: Embedder) -> list[Excerpt]:
    """Baseline: plain vector search, folded only where the text is identical."""
    vec = embedder.encode_query(query.clean_text)
    ranked = dense_ranking(vec, vectors, catalogue, query.filters, n=max(query.top * 6, 30))
    return build_excerpts(catalogue, ranked[: query.top * 2])[: query.top]


def lexical_only(query: Query, catalogue: Catalogue) -> list[Excerpt]:
    """Baseline: BM25 alone."""
    ranked = lexical_search(catalogue, query.clean_text, query.filters, n=query.top * 2)
    return build_excerpts(catalogue, ranked)[: query.top]


@dataclass(frozen=True)
class Ranking:
    """How the full pipeline ranks: the retrievers' weights in the fusion and the optional steps.

    `search` uses `Ranking()`; the evaluation (bench/eval_retrieval.py --variants) runs the others.
    """

    dense: float = DENSE_WEIGHT
    lexical: float = LEXICAL_WEIGHT
    sentences: float = SENTENCE_WEIGHT  # the answer-sentence retriever: a candidate scores by its best sentence
    rrf_k: int = RRF_K
    theme_boost: float = THEME_BOOST
    expand_themes: bool = False  # BM25 also looks for the other phrases of the themes the query names
    neighbours: bool = True  # the passages next to a top result compete with it for its place
    numbers: bool = True  # a number question prefers passages (and sentences) that state a figure
    score_mix: float = SCORE_MIX  # first-place votes added per unit of the lists' rescaled scores (fuse_scores)
    feedback: float = 0.0  # Rocchio: weight of the first results' centroid added to the query vector (0: off)
    figure_margin: float | None = None  # number questions: see figure_on_subject (None: any figure counts)
    years: float = YEAR_BOOST  # a query naming years: votes for a passage whose document or text covers them (0: off)
    figure_near: float = FIGURE_NEAR  # number questions: votes more for a figure next to what they count (0: off)
    neighbour_figures: bool = True  # number questions: a neighbour stating the figure on the subject takes the place
    lexical_feedback: float = 0.0  # RM3: weight of a second BM25 list, the query plus its first results' words (0: off)
    learned: bool = True  # the lists combined by the fitted model of index.fusion (False: by the weights above)


def sentence_ranking(
    query_vec: np.ndarray, catalogue: Catalogue, candidates: Iterable[str], read: dict[str, bytes] | None = None,
) -> list[tuple[str, float]]:
    """Candidates by the cosine of their best answer sentence (stored at ingest; no model call).

    `read`: sentence vectors already read for this query, used as they are and extended with those read now.
    """
    dim = int(query_vec.shape[0])
    best: dict[str, float] = {}
    candidates = list(candidates)
    blobs = {} if read is None else read
    blobs.update(catalogue.sentence_vectors([pid for pid in candidates if pid not in blobs]))
    for pid in candidates:
        blob = blobs.get(pid)
        if blob:
            try:
                best[pid] = float((unpack(blob, dim) @ query_vec).max())
            except ValueError:  # stored with another model's dimension: no sentence score
                continue
    return sorted(best.items(), key=lambda kv: -kv[1])


def first_lists(
    text: str, query_vec: np.ndarray, scope: Scope, catalogue: Catalogue, vectors: VectorStore, ranking: Ranking,
    read: dict[str, bytes], extra: list[str] | None = None,
) -> tuple[list[list[tuple[str, float]]], list[float]]:
    """The retrievers' lists (dense, BM25, and the candidates' best answer sentences) and their fusion weights."""
    dense = dense_ranking(query_vec, vectors, catalogue, scope)
    lexical = lexical_search(catalogue, text, scope, n=CANDIDATES, extra_terms=extra or [])
    rankings, weights = [dense, lexical], [ranking.dense, ranking.lexical]
    if ranking.sentences:
        candidates = dict.fromkeys(pid for pid, _ in dense + lexical)
        rankings.append(sentence_ranking(query_vec, catalogue, candidates, read))
        weights.append(ranking.sentences)
    return rankings, weights


def themed_passages(catalogue: Catalogue, passage_ids: Iterable[str], themes: set[str]) -> set[str]:
    """The passages tagged with one of `themes` (the themes a query names)."""
    if not themes:
        return set()
    return {pid for pid, tags in catalogue.theme_lists(passage_ids).items() if themes & set(tags)}


def candidate_features(rankings: list[list[tuple[str, float]]], hand: dict[str, float], themed: set[str],
                       texts: dict[str, str]) -> tuple[list[str], np.ndarray]:
    """The candidates (the keys of `hand`, the hand-weighted fusion's scores) and their index.fusion features."""
    candidates = list(hand)
    lengths = {pid: len(passage.split()) for pid, passage in texts.items()}
    return candidates, features(candidates, rankings[0], rankings[1], rankings[2], themed, lengths, hand)


def learned_scores(rankings: list[list[tuple[str, float]]], hand: dict[str, float], themed: set[str],
                   texts: dict[str, str]) -> dict[str, float]:
    """Each candidate's score by the fitted model of index.fusion, in the hand-weighted fusion's units."""
    candidates, rows = candidate_features(rankings, hand, themed, texts)
    return dict(zip(candidates, fusion_model().score(rows).tolist(), strict=True))


def theme_phrases(query: str) -> list[str]:
    """The taxonomy's other phrases for the themes the query names, to widen BM25 ("pensioner" -> "older")."""
    from kb.taxonomy import load_taxonomy

    named = set(query_themes(query))
    lowered = query.lower()
    out: list[str] = []
    for theme in load_taxonomy().themes:
        if theme.id in named:
            out += [p for p in (theme.label, *theme.patterns)
                    if isinstance(p, str) and len(p) > 2 and p.lower() not in lowered]
    return list(dict.fromkeys(out))[:12]


NEIGHBOUR_DEPTH = 5  # the top results whose neighbouring passages may take their place


def let_neighbours_compete(
    ranked: list[tuple[str, float]], query_vec: np.ndarray, catalogue: Catalogue, scope: Scope | None = None,
    read: dict[str, bytes] | None = None, counted: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    """A top result and the passages either side of it in its document compete for its place.

    Retrieval often finds the right part of a document while the passage that answers sits next to
    the one that matched (the heading and context in one, the figure in the next). Each of the first
    NEIGHBOUR_DEPTH results is replaced by whichever of itself and its neighbours has the best answer
    sentence; the one it displaces moves just below it. A neighbour must pass the query's filters (a
    `--section` or `--theme` filter holds for it as for any result), in a document they accept.
    `counted` (a number question's `subject_words`): a passage stating a figure next to them beats one that does
    not, whatever their sentences' scores ("the 12 months to ..." in one passage, "153 reviews" in the next).
    """
    head = [pid for pid, _ in ranked[:NEIGHBOUR_DEPTH]]
    sources = catalogue.sources(head)
    wanted = scope.doc_ids if scope is not None else None
    neighbours: dict[str, list[str]] = {}
    for pid in head:
        found = [s for s in sources.get(pid, []) if wanted is None or s.doc_id in wanted]
        if found:
            neighbours[pid] = catalogue.neighbours(found[0].doc_id, pid)
    if scope is not None and not scope.empty:
        info = catalogue.passage_occurrence_info({n for ns in neighbours.values() for n in ns},
                                                 with_themes=bool(scope.filters.theme))
        passes = {n for n, places in info.items() if any(scope.accepts(o) for o in places)}
        neighbours = {pid: [n for n in ns if n in passes] for pid, ns in neighbours.items()}
    pool = set(head) | {n for ns in neighbours.values() for n in ns}
    sentence_score = dict(sentence_ranking(query_vec, catalogue, pool, read))
    texts = catalogue.passage_texts(pool) if counted else {}
    on_subject = {pid for pid, (text, _) in texts.items() if figure_near_subject(text, counted)}

    def strength(pid: str) -> tuple[bool, float]:
        return pid in on_subject, sentence_score.get(pid, -1.0)

    out = list(ranked)
    taken = set(head)
    for pid in head:
        rivals = [n for n in neighbours.get(pid, []) if n not in taken]
        best = max(rivals, key=strength, default=None)
        if best is not None and strength(best) > strength(pid):
            at = next(i for i, (p, _) in enumerate(out) if p == pid)
            out = [kv for kv in out if kv[0] != best]
            out.insert(at, (best, out[at][1]))
            taken.add(best)
    return out


def fused_scores(rankings: list[list[tuple[str, float]]], weights: list[float], ranking: Ranking) -> dict[str, float]:
    """Weighted RRF of the lists plus `score_mix` first-place votes per unit of their rescaled scores."""
    scores = fuse(rankings, weights, ranking.rrf_k)
    if ranking.score_mix:
        first_place = 1.0 / (ranking.rrf_k + 1)
        for pid, value in fuse_scores(rankings, weights).items():
            scores[pid] += ranking.score_mix * first_place * value
    return scores


def _unit(vec: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def feedback_vector(catalogue: Catalogue, passage_ids: list[str], dim: int,
                    read: dict[str, bytes] | None = None) -> np.ndarray | None:
    """The centroid of the passages' answer-sentence vectors (each passage weighted once), as a unit vector.

    `read`: sentence vectors already read for this query (the others are read from the catalogue).
    """
    read = read or {}
    blobs = [read[pid] for pid in passage_ids if pid in read]
    blobs += catalogue.sentence_vectors([pid for pid in passage_ids if pid not in read]).values()
    centroids = []
    for blob in blobs:
        try:
            rows = unpack(blob, dim) if blob else None
        except ValueError:  # stored with another model's dimension
            rows = None
        if rows is not None and len(rows):
            centroids.append(_unit(rows.mean(axis=0)))
    return _unit(np.mean(centroids, axis=0)) if centroids else None


def feedback_words(catalogue: Catalogue, passage_ids: list[str], query: str, n: int) -> list[str]:
    """RM3-style expansion: the `n` words weighing most in the passages (each word's share of a passage's words,
    summed over them, times its IDF) that the query does not already use."""
    weight: dict[str, float] = defaultdict(float)
    for text, _ in catalogue.passage_texts(passage_ids).values():
        words = [w.lower().strip("'") for w in TOKEN.findall(text)]
        words = [w for w in words if w not in STOPWORDS and len(w) > 2 and not w.isdigit()]
        for word in words:
            weight[word] += 1.0 / len(words)
    asked = {fts_tokens(t.strip('"')) for t in fts_terms(query)}
    size = catalogue.fts_size()
    scored = []
    for word in sorted(weight, key=lambda w: -weight[w])[: 4 * n]:
        if fts_tokens(word) not in asked:
            scored.append((weight[word] * idf(catalogue.fts_matches(f'"{word}"', size // 2 + 1), size), word))
    return [word for _, word in sorted(scored, reverse=True)[:n]]


def figure_on_subject(catalogue: Catalogue, query_vec: np.ndarray, passage_ids: Iterable[str],
                      margin: float, read: dict[str, bytes] | None = None) -> set[str]:
    """Passages whose best figure-holding sentence is within `margin` cosine of their best sentence.

    A passage without stored sentence vectors (or whose sentences no longer match them) counts when any
    of its sentences holds a figure, as before.
    """
    from kb.sentences import answer_sentences

    dim = int(query_vec.shape[0])
    texts = catalogue.passage_texts(passage_ids)
    blobs = dict(read or {})
    blobs.update(catalogue.sentence_vectors([pid for pid in texts if pid not in blobs]))
    out = set()
    for pid, (text, _) in texts.items():
        sentences = answer_sentences(text)
        blob = blobs.get(pid)
        figures = [has_figure(s) for s in sentences]
        if not any(figures):
            continue
        try:
            sims = unpack(blob, dim) @ query_vec if blob else None
        except ValueError:
            sims = None
        if sims is None or len(sims) != len(sentences):
            out.add(pid)  # no sentence vectors: the passage-level test
            continue
        best_figure = max(float(v) for v, f in zip(sims, figures, strict=True) if f)
        if best_figure >= float(sims.max()) - margin:
            out.add(pid)
    return out


def year_matches(catalogue: Catalogue, passage_ids: Iterable[str], asked: Asked,
                 texts: dict[str, str] | None = None) -> dict[str, float]:
    """For each passage, how well a period its text names, or one of a document it is in, matches the asked
    years (`index.periods.year_match`); passages naming none of them are left out.

    `texts`: the passages' texts when already read.
    """
    ids = list(passage_ids)
    if texts is None:
        texts = {pid: text for pid, (text, _) in catalogue.passage_texts(ids).items()}
    out = {}
    for pid, sources in catalogue.sources(ids).items():
        named = periods_in(texts[pid]) if pid in texts else []
        named += [period for s in sources for period in document_periods(s.title, s.date)]
        match = year_match(asked, named)
        if match:
            out[pid] = match
    return out


def search(
    query: Query, catalogue: Catalogue, vectors: VectorStore, embedder: Embedder, highlights: bool = True,
    ranking: Ranking | None = None,
) -> list[Excerpt]:
    """The full pipeline: dense + BM25 (+ answer sentences) fused, theme-aware, folded, diversified, highlighted."""
    ranking = ranking or Ranking()
    text = query.clean_text
    scope = Scope.of(query.filters, catalogue)
    query_vec = embedder.encode_query(text)
    read: dict[str, bytes] = {}  # sentence vectors read for this query
    extra = theme_phrases(text) if ranking.expand_themes else []
    rankings, weights = first_lists(text, query_vec, scope, catalogue, vectors, ranking, read, extra)
    dense, lexical = rankings[0], rankings[1]
    scores = fused_scores(rankings, weights, ranking)
    if ranking.feedback:  # Rocchio: search the vectors again, the query moved towards its best first results
        top = sorted(scores, key=lambda pid: -scores[pid])[:FEEDBACK_DEPTH]
        centroid = feedback_vector(catalogue, top, int(query_vec.shape[0]), read)
        if centroid is not None:
            rankings[0] = dense = dense_ranking(_unit(query_vec + ranking.feedback * centroid), vectors, catalogue,
                                                scope)
            if ranking.sentences:  # the new vector neighbours' sentences, scored against the query itself
                candidates = dict.fromkeys(pid for pid, _ in dense + lexical)
                rankings[2] = sentence_ranking(query_vec, catalogue, candidates, read)
            scores = fused_scores(rankings, weights, ranking)
    if ranking.lexical_feedback:  # RM3: BM25 again with the first results' key words added, as one more list
        top = sorted(scores, key=lambda pid: -scores[pid])[:FEEDBACK_DEPTH]
        words = feedback_words(catalogue, top, text, FEEDBACK_TERMS)
        if words:
            rankings.append(lexical_search(catalogue, text, scope, n=CANDIDATES, extra_terms=[*extra, *words]))
            weights.append(ranking.lexical_feedback)
            scores = fused_scores(rankings, weights, ranking)
    first_place = 1.0 / (ranking.rrf_k + 1)
    themes = set(query_themes(text))
    themed = themed_passages(catalogue, scores, themes)
    texts: dict[str, str] | None = None  # passage texts, when read
    fitted = fusion_model().fits(getattr(embedder, "vector_space", None))  # None: a test's fake embedder
    if ranking.learned and ranking.sentences and len(rankings) == 3 and fitted:
        texts = {pid: passage for pid, (passage, _) in catalogue.passage_texts(scores).items()}
        scores = learned_scores(rankings, scores, themed, texts)
    if ranking.theme_boost:
        for pid in themed:
            scores[pid] += ranking.theme_boost * first_place
    figures = ranking.numbers and is_number_question(text)
    subject = subject_words(text) if figures and ranking.figure_near else frozenset()  # what the question counts
    if figures and texts is None:
        texts = {pid: passage for pid, (passage, _) in catalogue.passage_texts(scores).items()}
    if figures:
        if ranking.figure_margin is not None:
            with_figure = figure_on_subject(catalogue, query_vec, scores, ranking.figure_margin, read)
        else:
            with_figure = {pid for pid, passage in texts.items() if has_figure(passage)}
        for pid in with_figure:
            scores[pid] += NUMBER_BOOST * first_place
            if subject and pid in texts and figure_near_subject(texts[pid], subject):
                scores[pid] += ranking.figure_near * first_place
    asked = asked_years(text) if ranking.years else Asked()
    if asked.years:
        for pid, match in year_matches(catalogue, scores, asked, texts).items():
            scores[pid] += ranking.years * match * first_place
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])[: max(query.top * 8, 40)]
    if ranking.neighbours:
        # only a question that names what it counts: this outranks the sentences' scores
        counted = subject_words(text, counted_only=True) if figures and ranking.neighbour_figures else frozenset()
        ranked = let_neighbours_compete(ranked, query_vec, catalogue, scope, read, counted)
    results = fold_and_diversify(build_excerpts(catalogue, ranked, scope), query.top, query.per_doc)
    if not highlights:
        return results
    stored = {ex.passage_id: read[ex.passage_id] for ex in results if ex.passage_id in read}
    stored.update(catalogue.sentence_vectors(ex.passage_id for ex in results if ex.passage_id not in read))
    return add_highlights(results, query_vec, embedder, stored, figures=figures, counted=subject or None)


BASELINE = Ranking(sentences=0.0, neighbours=False, numbers=False, score_mix=0.0, years=0.0, figure_near=0.0,
                   neighbour_figures=False)
BEFORE_YEARS = Ranking(years=0.0, figure_near=0.0, neighbour_figures=False)  # main before the year helper's steps
FEEDBACK_AND_FIGURES = Ranking(feedback=FEEDBACK, figure_margin=FIGURE_MARGIN)  # measured, not adopted (FEEDBACK)
VARIANTS = {  # each change of issue 15 alone, on the baseline, then together (bench/eval_retrieval.py --variants)
    "+sentences": replace(BASELINE, sentences=SENTENCE_WEIGHT),
    "+themes": replace(BASELINE, expand_themes=True),
    "+neighbours": replace(BASELINE, neighbours=True),
    "+numbers": replace(BASELINE, numbers=True),
    "+numbers on subject": replace(BASELINE, numbers=True, figure_margin=FIGURE_MARGIN),
    "+score mix": replace(BASELINE, score_mix=SCORE_MIX),
    "+feedback": replace(BASELINE, feedback=FEEDBACK),
    "adopted": Ranking(),
    "adopted, no score mix": Ranking(score_mix=0.0),
    "adopted+themes": Ranking(expand_themes=True),
    "adopted+feedback": Ranking(feedback=FEEDBACK),
    "adopted+on subject": Ranking(figure_margin=FIGURE_MARGIN),
    "adopted+fb+on subject": FEEDBACK_AND_FIGURES,
    "before years": BEFORE_YEARS,  # the year helper's steps, each alone on main before them, then other weights
    "+years": replace(BEFORE_YEARS, years=YEAR_BOOST),
    "+years 0.5": replace(BEFORE_YEARS, years=0.5),
    "+years 2": replace(BEFORE_YEARS, years=2.0),
    "+figure near": replace(BEFORE_YEARS, figure_near=FIGURE_NEAR),
    "+figure near 0.5": replace(BEFORE_YEARS, figure_near=0.5),
    "+figure near 2": replace(BEFORE_YEARS, figure_near=2.0),
    "adopted, figure near 2": Ranking(figure_near=2.0),
    "+neighbour figures": replace(BEFORE_YEARS, neighbour_figures=True),
    "+figure near +neighbour figures": replace(BEFORE_YEARS, figure_near=FIGURE_NEAR, neighbour_figures=True),
    "adopted, no years": Ranking(years=0.0),
    "+lexical feedback": replace(BASELINE, lexical_feedback=LEXICAL_FEEDBACK),  # RM3, measured for issue 15
    "adopted+lexical feedback": Ranking(lexical_feedback=LEXICAL_FEEDBACK),
    "hand-weighted": Ranking(learned=False),  # issue 15: main before the learned fusion
}
