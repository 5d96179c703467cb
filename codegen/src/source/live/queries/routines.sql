-- Functions and procedures (not aggregates, not a range type's constructors): namespace, name,
-- procedure, arguments, result, language, volatility (i s v), strict, leakproof, parallel (s r u),
-- cost, rows, security definer, settings (unit separator), body, comment.
SELECT n.nspname::text, p.proname::text, (p.prokind = 'p')::text, pg_get_function_arguments(p.oid),
       pg_get_function_result(p.oid), l.lanname::text, p.provolatile::text, p.proisstrict::text,
       p.proleakproof::text, p.proparallel::text, p.procost::text, p.prorows::text, p.prosecdef::text,
       array_to_string(p.proconfig, chr(31)),
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END,
       obj_description(p.oid, 'pg_proc')
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p') AND n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, p.oid
