-- Indexes not behind a constraint (of tables and materialized views): namespace, table, name,
-- method, unique, keys (unit separator; each the key as printed, a column by its quoted name
-- since printing is dearer, then DESC, NULLS FIRST and a non-default operator class, record
-- separator), predicate, included columns (unit separator), storage options, comment, for a
-- partition's index the parent's index it is attached to, and NULLS NOT DISTINCT.
SELECT n.nspname::text, c.relname::text, i.relname::text, am.amname::text, x.indisunique::text,
       (SELECT string_agg(concat_ws(chr(30),
                                    CASE WHEN x.indkey[k - 1] = 0 THEN pg_get_indexdef(x.indexrelid, k, true)
                                    ELSE (SELECT quote_ident(a.attname) FROM pg_attribute a
                                          WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[k - 1]) END,
                                    (x.indoption[k - 1] & 1 = 1)::text, (x.indoption[k - 1] & 2 = 2)::text,
                                    (SELECT o.opcname::text FROM pg_opclass o
                                     WHERE o.oid = x.indclass[k - 1] AND NOT o.opcdefault)),
                          chr(31) ORDER BY k)
        FROM generate_series(1, x.indnkeyatts) k),
       pg_get_expr(x.indpred, x.indrelid),
       (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), chr(31) ORDER BY k)
        FROM generate_series(x.indnkeyatts + 1, x.indnatts) k),
       array_to_string(i.reloptions, chr(31)),
       ds.description,
       (SELECT pi.relname::text FROM pg_inherits ih JOIN pg_class pi ON pi.oid = ih.inhparent WHERE ih.inhrelid = i.oid),
       x.indnullsnotdistinct::text
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = i.relam
LEFT JOIN pg_description ds ON ds.objoid = i.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname IN ({namespaces}) AND c.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY n.nspname, c.oid, i.relname
