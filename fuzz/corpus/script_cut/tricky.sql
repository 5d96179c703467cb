COMMENT ON TABLE a IS E'x\'
-- y';
CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;
SELECT $t$ ; $t$, /* a /* b */ ; */ 1;
\connect x
