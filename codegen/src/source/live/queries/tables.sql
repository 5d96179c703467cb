-- Tables (partitions aside): namespace, name, comment, unlogged, storage options (unit separator),
-- row-level security enabled, forced, replica identity (d f n i) and its index.
SELECT n.nspname::text, c.relname::text, ds.description,
       (c.relpersistence = 'u')::text, array_to_string(c.reloptions, chr(31)),
       c.relrowsecurity::text, c.relforcerowsecurity::text, c.relreplident::text,
       (SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = c.oid AND x.indisreplident)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname IN ({namespaces}) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.oid
