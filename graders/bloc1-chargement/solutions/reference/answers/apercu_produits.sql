-- Les 10 premières lignes de la table produits, toutes colonnes.
SELECT *
FROM produits
LIMIT 10;
