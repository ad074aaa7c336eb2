-- Les 10 premières lignes de la table objectifs, toutes colonnes.
SELECT *
FROM objectifs
LIMIT 10;
