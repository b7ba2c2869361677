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
Recurring problems (``recurring.py``, ``GET /api/intelligence/recurring``) are for oversight only;
the nightly job (``tasks.recurring_refresh_task``) stores them per office, category and district for
the page ``/<lang>/intelligence/recurring/``. Misuse signals (``models.MisuseSignal``, raised by
``tasks.signals_scan_task``) wait for oversight's review at ``/<lang>/intelligence/signals/``; only a
confirmed one counts in the responsibility index (``accountability.services.standing_score``).
The work page shows staff the model's triage of an unrouted or misrouted complaint
(``selectors.complaint_triage``): a transfer form the officer confirms. See ``docs/intelligence.md``.

Also: the text classifier (``classifier.py``, ``normalize.py``) and
``rabta intelligence backtest --train FILE --test FILE --json [--save PATH]``; the likely-duplicate
similarity (``normalize.char_ngrams`` / ``ngram_similarity`` / ``duplicate_score``, used by
``rabta.complaints.services.intake.duplicates_suggest``) and its measure
``rabta intelligence duplicates-eval --nyc FILE --boston FILE --json [--threshold T]`` (``duplicates.py``).

The classifier's figures, with the split and the commands: ``docs/intelligence.md``.
"""
