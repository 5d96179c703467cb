-- Views and materialized views: namespace, name, materialized, query, options (unit separator),
-- populated, comment.
SELECT n.nspname::text, c.relname::text, (c.relkind = 'm')::text, pg_get_viewdef(c.oid, true),
       array_to_string(c.reloptions, chr(31)), c.relispopulated::text, obj_description(c.oid, 'pg_class')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.oid
