-- Sequences: namespace, name, type, start, increment, min, max, cache, cycle, the owning
-- column's namespace, table and name, comment, and `i` for an identity column's own.
SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqstart::text, s.seqincrement::text,
       s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle::text,
       tn.nspname::text, t.relname::text, a.attname::text,
       obj_description(c.oid, 'pg_class'), d.deptype::text
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
     AND d.refclassid = 'pg_class'::regclass
LEFT JOIN pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
