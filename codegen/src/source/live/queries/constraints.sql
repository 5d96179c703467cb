-- Table constraints: namespace, table, name, kind (p u f c), definition (of CHECKs; the others
-- need none), deferrable, initially deferred, validated, columns (unit separator; of keys and
-- foreign keys, a CHECK's are in its definition), referenced namespace, table and columns,
-- ON DELETE, ON UPDATE, MATCH, comment, NULLS NOT DISTINCT. Of a partition, only the CHECKs and
-- foreign keys of its own (not inherited, not cloned from the parent's). Exclusion constraints
-- have a query of their own.
SELECT n.nspname::text, c.relname::text, k.conname::text, k.contype::text,
       CASE WHEN k.contype = 'c' THEN pg_get_constraintdef(k.oid) END,
       k.condeferrable::text, k.condeferred::text, k.convalidated::text,
       CASE WHEN k.contype <> 'c' THEN
       (SELECT string_agg(a.attname, chr(31) ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num) END,
       rn.nspname::text, r.relname::text,
       CASE WHEN k.contype = 'f' THEN
       (SELECT string_agg(a.attname, chr(31) ORDER BY u.ord) FROM unnest(k.confkey) WITH ORDINALITY u(num, ord)
        JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num) END,
       k.confdeltype::text, k.confupdtype::text, k.confmatchtype::text,
       ds.description, x.indnullsnotdistinct::text
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class r ON r.oid = k.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN pg_index x ON x.indexrelid = k.conindid AND k.contype = 'u'
LEFT JOIN pg_description ds ON ds.objoid = k.oid AND ds.classoid = 'pg_constraint'::regclass AND ds.objsubid = 0
WHERE n.nspname IN ({namespaces}) AND k.conparentid = 0 AND k.contype IN ('p', 'u', 'f', 'c')
  AND (NOT c.relispartition OR (k.contype IN ('c', 'f') AND k.coninhcount = 0))
ORDER BY n.nspname, c.oid, k.conname
