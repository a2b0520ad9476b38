"""区级快照 (docs/snapshots.md): a branch's period frozen into one verifiable, signed file.

By stage: tables.py (the four tables, from the scoring service) → manifest.py (what the file is) →
keys.py (Ed25519 keys and the signature) → archive.py (the one canonical zip) → export.py (the zips
and, beside them, report.py's xlsx); then, at the district, verify.py (every check, bounded), trust.py
(the register of branch keys), importer.py (into the district database) and district.py (scores
answered from snapshots, and the district's snapshot-preferred view, scoped). anonymize.py makes the
member codes of an anonymised export; cli.py is the `snapshot` command.

Nothing heavy is imported here: the CLI registers its commands without loading pyarrow.
"""
