"""Questionnaires beside the daily entry (CLINICAL.md section 5): RMDQ, PGIC, a clinic's ODI.

- ``definitions/``: one JSON file per instrument, shaped like a FHIR Questionnaire, with a
  ``diary`` block for what FHIR has no element for (scoring, range, the better direction,
  the important-change threshold, when it is asked, source and licence);
- ``engine``: loads the definitions, checks answers, scores them, judges a change;
- ``schedule``: when the RMDQ is due, which PGIC follow-up is due;
- ``compare``: the questionnaire results of each window of a therapy's comparison;
- ``words``: those results, and the verdict that uses them, in a patient's words;
- ``schemas``: the declared request and answer shapes of the responses API.

A new instrument is a new JSON file: no code names an instrument except to choose what a
page offers first.
"""
