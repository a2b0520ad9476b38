-- Ids for the members a roster load adds.
SELECT nextval('member_id_seq') FROM range($count)
