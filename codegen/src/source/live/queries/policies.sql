-- Row-level-security policies: namespace, table, name, permissive, command (r a w d *), roles
-- (unit separator; `public` for PUBLIC), USING, WITH CHECK, comment.
SELECT n.nspname::text, c.relname::text, p.polname::text, p.polpermissive::text, p.polcmd::text,
       (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END, chr(31) ORDER BY o)
        FROM unnest(p.polroles) WITH ORDINALITY u(r, o)),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
       obj_description(p.oid, 'pg_policy')
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ({namespaces})
ORDER BY n.nspname, c.oid, p.polname
