
#variable_conflict use_column
DECLARE
    step interval := ('1 ' || unit)::interval;
    this_period timestamptz := date_trunc(unit, at);
    ns text;
    default_part regclass;
    columns text;
    referenced boolean;
    child regclass;
    child_name text;
    upper_bound text;
    lo timestamptz;
    lo_text text;
    hi_text text;
    name text;
    moving boolean;
    moved bigint;
BEGIN
    -- One upkeep at a time: a second run waits, then finds everything done.
    PERFORM pg_advisory_xact_lock(hashtextextended('strata_upkeep_partitions', 0));
    -- Read under the lock: reading a partition's bound waits for a run that is making it.
    ns := (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent);
    default_part := (
        SELECT i.inhrelid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT');
    columns := (
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
        WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped AND attgenerated = '');
    referenced := EXISTS (SELECT FROM pg_constraint WHERE confrelid = parent AND contype = 'f');
    -- Retention: partitions wholly older than it are detached, then dropped or archived.
    IF retention IS NOT NULL THEN
        FOR child, child_name, upper_bound IN
            SELECT c.oid::regclass, format('%I.%I', n.nspname, c.relname),
                (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE i.inhparent = parent ORDER BY c.relname
        LOOP
            CONTINUE WHEN upper_bound IS NULL OR upper_bound::timestamptz > at - retention;
            partition := child_name;
            EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', parent, child);
            IF archive IS NULL THEN
                EXECUTE format('DROP TABLE %s', child);
                action := 'dropped';
            ELSE
                EXECUTE format('ALTER TABLE %s SET SCHEMA %I', child, archive);
                action := 'archived';
            END IF;
            RETURN NEXT;
        END LOOP;
    END IF;
    -- The periods from `past` before the current one to `ahead` after it, unless past retention.
    FOR k IN -past .. ahead LOOP
        lo := this_period + k * step;
        CONTINUE WHEN retention IS NOT NULL AND lo + step <= at - retention;
        name := to_char(lo, name_format);
        CONTINUE WHEN to_regclass(format('%I.%I', ns, name)) IS NOT NULL;
        lo_text := to_char(lo, 'YYYY-MM-DD');
        hi_text := to_char(lo + step, 'YYYY-MM-DD');
        partition := format('%I.%I', ns, name);
        -- Rows of the period already in DEFAULT move to the new partition in this transaction.
        moving := false;
        IF default_part IS NOT NULL THEN
            EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE %I >= %L AND %I < %L)',
                default_part, key_column, lo_text, key_column, hi_text) INTO moving;
        END IF;
        -- Moving deletes and inserts again: ON DELETE actions of foreign keys to the table would
        -- run on the rows referring to them. Those rows stay where they are, and it is said.
        IF moving AND referenced THEN
            RAISE WARNING 'strata: % holds rows of %, and foreign keys reference %: not moved',
                default_part, partition, parent
                USING HINT = 'move the rows by hand (detach DEFAULT, create the partition, move them, attach DEFAULT)';
            action := 'blocked: rows in DEFAULT';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF moving THEN
            EXECUTE format('CREATE TEMP TABLE strata_moved AS SELECT %s FROM %s WITH NO DATA', columns, parent);
            EXECUTE format('WITH m AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING %s) '
                'INSERT INTO strata_moved (%s) SELECT %s FROM m',
                default_part, key_column, lo_text, key_column, hi_text, columns, columns, columns);
        END IF;
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
            ns, name, parent, lo_text, hi_text);
        action := 'created';
        IF moving THEN
            EXECUTE format('INSERT INTO %I.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM strata_moved',
                ns, name, columns, columns);
            GET DIAGNOSTICS moved = ROW_COUNT;
            DROP TABLE strata_moved;
            action := format('created, %s rows moved from DEFAULT', moved);
        END IF;
        RETURN NEXT;
    END LOOP;
END;
