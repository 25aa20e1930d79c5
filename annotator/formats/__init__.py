"""Interchange formats: one module per format, on one reading pipeline and one set of export rules.

`record` checks the native record every reader produces, `reading` runs an import
all or nothing, `exporting` decides what an export keeps; `registry` names the formats.
"""
