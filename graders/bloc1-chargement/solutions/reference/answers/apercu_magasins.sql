-- Les 10 premières lignes de la table magasins, toutes colonnes.
SELECT *
FROM magasins
LIMIT 10;
