-- Namespaces: name, owner (none when it is the user reading, who creates what has no owner
-- said, or `public`'s stock pg_database_owner), comment.
SELECT n.nspname::text, NULLIF(NULLIF(pg_get_userbyid(n.nspowner)::text, current_user::text), 'pg_database_owner'),
       obj_description(n.oid, 'pg_namespace')
FROM pg_namespace n
WHERE n.nspname IN ({namespaces})
ORDER BY n.nspname
