-- When each branch last changed raw rows that bear on one period (a load or an undo of a file with
-- attendance, meetings or 学习强国 days in it, 学习强国 totals up to its end, assessments of its
-- years, or a roster, which every period reads): a snapshot made before that no longer shows what the
-- branch's own database says of the period. A load of other months leaves the period's snapshot
-- current. Parameters: $branch_ids (a list), $start, $end.
SELECT l.branch_id, max(greatest(l.loaded_at, coalesce(l.undone_at, l.loaded_at))) AS changed_at
FROM loads l
WHERE list_contains($branch_ids, l.branch_id)
  AND (l.kind = 'roster'
       OR EXISTS (SELECT 1 FROM attendance a WHERE a.load_id = l.load_id AND a.date BETWEEN $start AND $end)
       OR EXISTS (SELECT 1 FROM meetings m WHERE m.load_id = l.load_id AND m.date BETWEEN $start AND $end)
       OR EXISTS (SELECT 1 FROM study_daily d WHERE d.load_id = l.load_id AND d.date BETWEEN $start AND $end)
       OR EXISTS (SELECT 1 FROM study_totals t WHERE t.load_id = l.load_id AND t.as_of <= $end)
       OR EXISTS (SELECT 1 FROM assessments s WHERE s.load_id = l.load_id
                  AND s.year BETWEEN year(CAST($start AS DATE)) AND year(CAST($end AS DATE))))
GROUP BY l.branch_id
