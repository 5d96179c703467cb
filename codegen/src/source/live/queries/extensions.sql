-- Extensions (plpgsql is every database's): name, namespace.
SELECT e.extname::text, n.nspname::text
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname
