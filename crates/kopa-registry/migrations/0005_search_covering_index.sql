-- Search reads (word, family, person) for every matching key: a covering index
-- answers from the index alone instead of one table lookup per row.
DROP INDEX p_search_key;
CREATE INDEX p_search_key ON p_search(key, is_token, word, token, family_id, person_id);
