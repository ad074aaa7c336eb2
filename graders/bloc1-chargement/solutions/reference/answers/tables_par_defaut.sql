-- Vérification de l'installation : les tables que le système liste par défaut.
SELECT table_schema, table_name
FROM information_schema.tables
ORDER BY table_schema, table_name;
