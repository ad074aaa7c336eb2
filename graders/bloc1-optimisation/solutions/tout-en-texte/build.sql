-- A copy of the raw table: still all in text, no key, no index. Nothing is faster.
CREATE TABLE ventes AS SELECT * FROM ventes_brutes;
