-- Aggregates: namespace, name, argument types, state function, state type, final function,
-- combine function, initial state, parallel (s r u), comment.
SELECT n.nspname::text, p.proname::text, pg_get_function_identity_arguments(p.oid),
       g.aggtransfn::regproc::text, format_type(g.aggtranstype, NULL),
       CASE WHEN g.aggfinalfn <> 0 THEN g.aggfinalfn::regproc::text END,
       CASE WHEN g.aggcombinefn <> 0 THEN g.aggcombinefn::regproc::text END,
       g.agginitval, p.proparallel::text, obj_description(p.oid, 'pg_proc')
FROM pg_aggregate g
JOIN pg_proc p ON p.oid = g.aggfnoid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ({namespaces})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY n.nspname, p.proname, p.oid
