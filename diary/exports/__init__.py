"""The diary in files a patient can take away, and the copy they can bring back.

- ``spreadsheet``: CSV of the entries (a row each) and of the therapies;
- ``fhir``: a FHIR R4 ``collection`` Bundle a clinic's record system can read;
- ``archive``: the complete, versioned JSON copy, and its import through the sync rules;
  ``copy_schemas`` its declared shapes; ``cleaning`` what a copy made before an upgrade
  holds that this version refuses, cleaned on the way in as the upgrade cleaned it;
- ``downloads``: each export read from the store, named and typed as a file.

Pure of Flask: the blueprints in ``diary/api/exports.py`` and ``diary/web/exports.py`` only
carry these over HTTP. docs/exports.md documents every column, mapping and rule.
"""
