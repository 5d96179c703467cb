-- Namespaces: name, owner, comment.
SELECT n.nspname::text, pg_get_userbyid(n.nspowner)::text, obj_description(n.oid, 'pg_namespace')
FROM pg_namespace n
WHERE n.nspname IN ({namespaces})
ORDER BY n.nspname
