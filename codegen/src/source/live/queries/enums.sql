-- Enum types (CREATE TYPE ... AS ENUM): namespace, name, labels in order (unit separator), comment.
SELECT n.nspname::text, t.typname::text,
       string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder),
       obj_description(t.oid, 'pg_type')
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
GROUP BY n.nspname, t.typname, t.oid
ORDER BY n.nspname, t.typname
