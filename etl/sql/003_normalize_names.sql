-- Schema version 3: names are normalised on every side. Readers now remove characters nobody can
-- see (zero-width spaces and joiners, word joiners, BOMs, bidi marks, C0 and C1 control characters),
-- and a member's name is stored compacted (no white space at all), so a name stored before with one
-- of them would never match again: remove them from stored names too.
-- Updated in place, the one exception to "rows are never overwritten": this corrects how a name is
-- stored, it is not a new fact, and no load's history changes.
UPDATE member_versions
SET name = regexp_replace(name, '[\x{00AD}\x{061C}\x{180E}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{206F}\x{FEFF}\x{FFF9}-\x{FFFB}\x{0000}-\x{001F}\x{007F}-\x{009F}\s]', '', 'g')
WHERE regexp_matches(name, '[\x{00AD}\x{061C}\x{180E}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{206F}\x{FEFF}\x{FFF9}-\x{FFFB}\x{0000}-\x{001F}\x{007F}-\x{009F}\s]');
