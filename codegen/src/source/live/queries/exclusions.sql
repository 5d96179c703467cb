-- Exclusion constraints: namespace, table, name, method, elements (unit separator; each the key
-- as printed, DESC, NULLS FIRST, a non-default operator class and the operator, record
-- separator), INCLUDE columns (unit separator), storage options, predicate, deferrable,
-- initially deferred, comment.
SELECT n.nspname::text, c.relname::text, k.conname::text, am.amname::text,
       (SELECT string_agg(concat_ws(chr(30), pg_get_indexdef(x.indexrelid, i, true),
                                    (x.indoption[i - 1] & 1 = 1)::text, (x.indoption[i - 1] & 2 = 2)::text,
                                    coalesce((SELECT o.opcname::text FROM pg_opclass o
                                              WHERE o.oid = x.indclass[i - 1] AND NOT o.opcdefault), ''),
                                    (SELECT op.oprname::text FROM pg_operator op WHERE op.oid = k.conexclop[i])),
                          chr(31) ORDER BY i)
        FROM generate_series(1, x.indnkeyatts) i),
       (SELECT string_agg(pg_get_indexdef(x.indexrelid, i, true), chr(31) ORDER BY i)
        FROM generate_series(x.indnkeyatts + 1, x.indnatts) i),
       array_to_string(ic.reloptions, chr(31)), pg_get_expr(x.indpred, x.indrelid),
       k.condeferrable::text, k.condeferred::text, obj_description(k.oid, 'pg_constraint')
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_index x ON x.indexrelid = k.conindid
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE k.contype = 'x' AND NOT c.relispartition AND k.conparentid = 0 AND n.nspname IN ({namespaces})
ORDER BY n.nspname, c.oid, k.conname
