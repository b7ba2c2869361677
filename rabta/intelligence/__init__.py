"""Complaint intelligence (issue 12): suggestions a person confirms, never silent decisions.

Suggestions while typing (``suggest.py``): ``POST /api/intelligence/suggest`` with ``text`` and an
optional ``place`` (a jurisdiction code) and ``language`` answers the likeliest categories, each with
its score and the office the real routing (``complaints.services.routing.route_for``, on an unsaved
complaint) would send it to; nothing is created. The lodge page's first step shows them in a live
region that htmx fills after a pause in typing (``views.lodge_suggestions``); without JavaScript it
stays empty. The model comes from ``rabta intelligence train`` (``training.py``: the generated
complaints of ``corpus.py`` in English, Roman Urdu and Urdu, plus closed complaints whose
resolution confirmed their category, read from the office copy), is kept at
``settings.RABTA_INTELLIGENCE_MODEL`` (``var/intelligence/category``; ``make run`` trains one when there
is none), loaded once per process and refused when its hash does not match its manifest.
Recurring problems (``recurring.py``, ``GET /api/intelligence/recurring``) are for oversight only.

Also: the text classifier (``classifier.py``, ``normalize.py``) and
``rabta intelligence backtest --train FILE --test FILE --json [--save PATH]``; the likely-duplicate
similarity (``normalize.char_ngrams`` / ``ngram_similarity`` / ``duplicate_score``, used by
``rabta.complaints.services.intake.duplicates_suggest``) and its measure
``rabta intelligence duplicates-eval --nyc FILE --boston FILE --json [--threshold T]`` (``duplicates.py``).

Measured on ``cfpb_train.json`` (700 records, 669 after de-duplication on normalised text),
on a loaded shared machine:

- 5-fold stratified cross-validation (``StratifiedKFold(5, shuffle=True, random_state=12)`` on the
  de-duplicated set): top-1 0.761 ± 0.025, top-3 0.973 ± 0.010, macro-F1 0.751 ± 0.026.
- One fixed split (every fifth record of each label, in file order, held out: 534 / 135):
  top-1 0.711, top-3 0.963, macro-F1 0.706. The goal (macro-F1 ≥ 0.85, top-3 ≥ 0.98) is not met.
- Routing, time-ordered 80/20 split: NYC 311 (complaint type + descriptor → agency) top-1 0.985,
  top-3 0.99, macro-F1 0.815 (200 test rows); Boston 311 (type + title → department) top-1 0.75,
  macro-F1 0.445 on 20 test rows (two with a department unseen in training): too few to judge.
- Likely duplicates, ``duplicates-eval`` on both 311 samples together (43 labelled duplicate
  closures, 4,869 compared pairs): threshold 0.5 precision 0.033, recall 0.302; 0.3: 0.029 / 0.419;
  0.7: 0.06 / 0.163. The 311 rows carry no free text (type, descriptor, address), so many same-place
  same-problem rows look alike without being closed as duplicates, and the 1,000 NYC rows span years,
  so most labelled duplicates' originals are not in the sample: the figures bound the measure, they
  do not judge it on citizen-written text.
"""
