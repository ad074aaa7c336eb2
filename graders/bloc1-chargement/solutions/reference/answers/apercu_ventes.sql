-- Les 10 premières lignes de la table ventes, toutes colonnes.
SELECT *
FROM ventes
LIMIT 10;
