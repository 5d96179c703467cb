-- What the namespaces hold that strata cannot express yet, one row each as a person reads it,
-- so that `pull` and `import` report it instead of losing it silently: rules (other than a
-- view's own), extended statistics, table inheritance (other than partitions), triggers that
-- fire always or only on replicas, per-column statistics targets and options, a primary key's
-- INCLUDE columns, a partition's own unique constraints, tables without columns; and, in the
-- whole database, event triggers and publications.
SELECT 'rule ' || quote_ident(r.rulename) || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND n.nspname IN ({namespaces})
UNION ALL
SELECT 'extended statistics ' || quote_ident(n.nspname) || '.' || quote_ident(s.stxname)
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
WHERE n.nspname IN ({namespaces})
UNION ALL
SELECT 'inheritance: ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' inherits '
       || quote_ident(pn.nspname) || '.' || quote_ident(p.relname) || ' (read as a table of its own)'
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE NOT c.relispartition AND c.relkind IN ('r', 'p', 'f') AND n.nspname IN ({namespaces})
UNION ALL
SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
       || CASE t.tgenabled WHEN 'A' THEN ' fires always' ELSE ' fires only on replicas' END
       || ' (read as enabled)'
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND t.tgenabled IN ('A', 'R') AND n.nspname IN ({namespaces})
UNION ALL
SELECT 'column ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname)
       || concat_ws(' and', CASE WHEN a.attstattarget >= 0 THEN ' has statistics target ' || a.attstattarget END,
                    CASE WHEN o.options IS NOT NULL THEN ' has options (' || o.options || ')' END)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
-- The planner's options (n_distinct); a server may keep other entries of its own there.
CROSS JOIN LATERAL (SELECT string_agg(x, ', ') AS options FROM unnest(a.attoptions) x WHERE x LIKE 'n\_distinct%') o
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
  AND (a.attstattarget >= 0 OR o.options IS NOT NULL) AND n.nspname IN ({namespaces})
UNION ALL
SELECT 'primary key ' || quote_ident(k.conname) || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
       || ' has INCLUDE columns (read without them)'
FROM pg_constraint k
JOIN pg_index x ON x.indexrelid = k.conindid
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype IN ('p', 'u') AND x.indnatts > x.indnkeyatts AND n.nspname IN ({namespaces})
UNION ALL
SELECT 'unique constraint ' || quote_ident(k.conname) || ' of partition ' || quote_ident(n.nspname) || '.'
       || quote_ident(c.relname)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype IN ('p', 'u') AND c.relispartition AND k.conparentid = 0 AND n.nspname IN ({namespaces})
UNION ALL
SELECT 'table ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' has no columns'
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
UNION ALL
SELECT 'event trigger ' || quote_ident(e.evtname) FROM pg_event_trigger e
UNION ALL
SELECT 'publication ' || quote_ident(p.pubname) FROM pg_publication p
ORDER BY 1
