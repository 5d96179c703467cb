-- Roles of the cluster (not PostgreSQL's own `pg_*`, nor the roles `strata import` makes for the
-- moment, `strata_import_*`): name, login, inherit, the roles it is a member of (unit
-- separator), comment.
SELECT r.rolname::text, r.rolcanlogin::text, r.rolinherit::text,
       (SELECT string_agg(g.rolname::text, chr(31) ORDER BY g.rolname) FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid),
       shobj_description(r.oid, 'pg_authid')
FROM pg_roles r
WHERE r.rolname NOT LIKE 'pg\_%' AND r.rolname NOT LIKE 'strata\_import\_%'
ORDER BY r.rolname
