-- Privileges held by others than the owner, one row per privilege: kind (r relation, S sequence,
-- f routine, T type, n namespace), namespace, name (a routine's with its arguments), column,
-- grantee (`public` for PUBLIC), privilege, grantable. A routine or type whose privileges were
-- changed and no longer hold PostgreSQL's default for PUBLIC (EXECUTE, USAGE) gets a row with
-- grantable `revoked`. Objects of extensions are left out; so is PUBLIC's USAGE on the schema
-- `public` (a default of every database, not of a schema).
WITH items AS (
    SELECT CASE WHEN c.relkind = 'S' THEN 'S' ELSE 'r' END AS kind, n.nspname::text AS ns, c.relname::text AS name,
           NULL::text AS col, c.relacl AS acl, c.relowner AS owner, c.oid
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ({namespaces}) AND c.relacl IS NOT NULL
    UNION ALL
    SELECT 'r', n.nspname::text, c.relname::text, a.attname::text, a.attacl, c.relowner, c.oid
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ({namespaces}) AND a.attacl IS NOT NULL
    UNION ALL
    SELECT 'f', n.nspname::text, p.proname || '(' || pg_get_function_arguments(p.oid) || ')', NULL, p.proacl,
           p.proowner, p.oid
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname IN ({namespaces}) AND p.proacl IS NOT NULL AND p.prokind IN ('f', 'p')
    UNION ALL
    SELECT 'T', n.nspname::text, t.typname::text, NULL, t.typacl, t.typowner, t.oid
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname IN ({namespaces}) AND t.typacl IS NOT NULL
    UNION ALL
    SELECT 'n', n.nspname::text, n.nspname::text, NULL, n.nspacl, n.nspowner, n.oid
    FROM pg_namespace n
    WHERE n.nspname IN ({namespaces}) AND n.nspacl IS NOT NULL
), kept AS (
    SELECT i.* FROM items i
    WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = i.oid AND d.deptype = 'e')
)
SELECT k.kind, k.ns, k.name, k.col,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       a.privilege_type::text, a.is_grantable::text
FROM kept k, aclexplode(k.acl) a
WHERE a.grantee <> k.owner
  AND NOT (k.kind = 'n' AND k.name = 'public' AND a.grantee = 0 AND a.privilege_type = 'USAGE')
UNION ALL
SELECT k.kind, k.ns, k.name, NULL, 'public', CASE k.kind WHEN 'f' THEN 'EXECUTE' ELSE 'USAGE' END, 'revoked'
FROM kept k
WHERE k.kind IN ('f', 'T') AND k.col IS NULL AND NOT EXISTS (
    SELECT 1 FROM aclexplode(k.acl) a
    WHERE a.grantee = 0 AND a.privilege_type = CASE k.kind WHEN 'f' THEN 'EXECUTE' ELSE 'USAGE' END
)
ORDER BY 1, 2, 3, 4, 5, 6
