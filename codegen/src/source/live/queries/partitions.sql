-- Partitioned tables' keys and their partitions: namespace, parent, method and key as printed
-- (`RANGE (created_at)`), then for each partition (a row each; NULL partition for none yet):
-- namespace, name, bound as printed, storage options (unit separator).
SELECT n.nspname::text, c.relname::text, pg_get_partkeydef(c.oid),
       pn.nspname::text, p.relname::text, pg_get_expr(p.relpartbound, p.oid), array_to_string(p.reloptions, chr(31))
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits h ON h.inhparent = c.oid
LEFT JOIN pg_class p ON p.oid = h.inhrelid
LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE c.relkind = 'p' AND NOT c.relispartition AND n.nspname IN ({namespaces})
ORDER BY n.nspname, c.oid, p.oid
