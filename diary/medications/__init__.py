"""Medicines: their courses and dose changes, as-needed doses on the patient's calendar,
and what they mean for a before/after comparison (docs/medications.md)."""
