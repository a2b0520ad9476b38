-- A live load of the same branch and kind with byte-identical content.
SELECT load_id FROM live_loads
WHERE branch_id = $branch_id AND kind = $kind AND sha256 = $sha256
ORDER BY load_id DESC LIMIT 1
