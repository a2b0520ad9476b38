-- Where one branch's 学习强国 rows of each month came from: per month and load, the file's first row
-- (sheet, row) and how many rows it has in the month; daily rows by their date, totals by their
-- 统计日期. Parameters: $branch_id, $first, $last (dates).
WITH rows AS (
    SELECT load_id, date AS day, src_sheet, src_row FROM live_study_daily
    WHERE branch_id = $branch_id AND date BETWEEN $first AND $last
    UNION ALL
    SELECT load_id, as_of AS day, src_sheet, src_row FROM live_study_totals
    WHERE branch_id = $branch_id AND as_of BETWEEN $first AND $last
),
firsts AS (
    SELECT strftime(day, '%Y-%m') AS month, load_id, day, src_sheet, src_row,
           count(*) OVER (PARTITION BY strftime(day, '%Y-%m'), load_id) AS rows_in_month
    FROM rows
    QUALIFY row_number() OVER (PARTITION BY strftime(day, '%Y-%m'), load_id ORDER BY day, src_sheet, src_row) = 1
)
SELECT f.month, f.day AS date, f.rows_in_month, ld.file_name AS file, f.src_sheet AS sheet, f.src_row AS "row"
FROM firsts f JOIN loads ld USING (load_id)
ORDER BY f.month, ld.file_name
