-- Triggers (not internal ones, nor a partition's copies): namespace, relation, name, tgtype bits,
-- function (`namespace.name`, unquoted: PostgreSQL's own are in pg_catalog), enabled (O D R A), arguments (NUL-separated, escaped as `\000`), OLD TABLE, NEW TABLE,
-- constraint trigger, deferrable, initially deferred, UPDATE OF columns (unit separator), the
-- definition as printed (for WHEN), comment.
SELECT n.nspname::text, c.relname::text, t.tgname::text, t.tgtype::text, fn.nspname || '.' || f.proname,
       t.tgenabled::text, encode(t.tgargs, 'escape'), t.tgoldtable::text, t.tgnewtable::text,
       (t.tgconstraint <> 0)::text, k.condeferrable::text, k.condeferred::text,
       (SELECT string_agg(a.attname, chr(31) ORDER BY u.ord) FROM unnest(t.tgattr) WITH ORDINALITY u(num, ord)
        JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = u.num),
       pg_get_triggerdef(t.oid, true), obj_description(t.oid, 'pg_trigger')
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_constraint k ON k.oid = t.tgconstraint
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND n.nspname IN ({namespaces})
ORDER BY n.nspname, c.oid, t.tgname
