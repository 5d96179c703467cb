-- Default privileges (ALTER DEFAULT PRIVILEGES), one row per privilege of others than the role
-- they are for: role (NULL for the current user), namespace (NULL for all), object type
-- (r S f T n), grantee (`public` for PUBLIC), privilege, grantable. Functions and types whose
-- defaults for all namespaces no longer hold PUBLIC's EXECUTE or USAGE get a row with grantable
-- `revoked`.
WITH defaults AS (
    SELECT NULLIF(pg_get_userbyid(d.defaclrole)::text, current_user::text) AS role,
           CASE WHEN d.defaclnamespace = 0 THEN NULL ELSE d.defaclnamespace::regnamespace::text END AS ns,
           d.defaclobjtype::text AS kind, d.defaclacl AS acl, d.defaclrole AS owner
    FROM pg_default_acl d
    WHERE d.defaclnamespace = 0 OR d.defaclnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ({namespaces}))
)
SELECT d.role, d.ns, d.kind, CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       a.privilege_type::text, a.is_grantable::text
FROM defaults d, aclexplode(d.acl) a
WHERE a.grantee <> d.owner
UNION ALL
SELECT d.role, d.ns, d.kind, 'public', CASE d.kind WHEN 'f' THEN 'EXECUTE' ELSE 'USAGE' END, 'revoked'
FROM defaults d
WHERE d.kind IN ('f', 'T') AND d.ns IS NULL AND NOT EXISTS (
    SELECT 1 FROM aclexplode(d.acl) a
    WHERE a.grantee = 0 AND a.privilege_type = CASE d.kind WHEN 'f' THEN 'EXECUTE' ELSE 'USAGE' END
)
ORDER BY 1, 2, 3, 4, 5
