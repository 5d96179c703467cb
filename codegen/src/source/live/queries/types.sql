-- Domains, composite and range types, one row each: kind (d c r), namespace, name, then
--   d: base type, NOT NULL, default, collation when not the base's, CHECKs (name and
--      definition, record separator; unit separator between them);
--   c: fields (name, type and collation when not the type's, record separator; unit separator);
--   r: subtype, operator class when not the default, collation, SUBTYPE_DIFF, multirange name;
-- and the comment.
SELECT 'd', n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull::text,
       t.typdefault,
       CASE WHEN t.typcollation <> b.typcollation THEN l.collname::text END,
       (SELECT string_agg(k.conname || chr(30) || pg_get_constraintdef(k.oid), chr(31) ORDER BY k.conname)
        FROM pg_constraint k WHERE k.contypid = t.oid),
       NULL::text, obj_description(t.oid, 'pg_type')
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_collation l ON l.oid = t.typcollation
WHERE t.typtype = 'd' AND n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 'c', n.nspname::text, t.typname::text,
       (SELECT string_agg(concat_ws(chr(30), a.attname::text, format_type(a.atttypid, a.atttypmod),
                                    CASE WHEN a.attcollation <> at.typcollation THEN l.collname::text END),
                          chr(31) ORDER BY a.attnum)
        FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid LEFT JOIN pg_collation l ON l.oid = a.attcollation
        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
       NULL, NULL, NULL, NULL, NULL, obj_description(t.oid, 'pg_type')
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
WHERE n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 'r', n.nspname::text, t.typname::text, format_type(r.rngsubtype, NULL),
       (SELECT o.opcname::text FROM pg_opclass o WHERE o.oid = r.rngsubopc AND NOT o.opcdefault),
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> s.typcollation THEN l.collname::text END,
       CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END,
       m.typname::text, NULL, obj_description(t.oid, 'pg_type')
FROM pg_range r
JOIN pg_type t ON t.oid = r.rngtypid
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type s ON s.oid = r.rngsubtype
JOIN pg_type m ON m.oid = r.rngmultitypid
LEFT JOIN pg_collation l ON l.oid = r.rngcollation
WHERE n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
