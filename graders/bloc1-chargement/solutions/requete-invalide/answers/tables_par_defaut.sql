-- « Le système répond » : la requête tourne, mais elle ne liste aucune table.
SELECT 1 AS ok;
