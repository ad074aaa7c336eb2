-- Aperçu des produits (mais la requête lit la mauvaise table)
SELECT * FROM magasins LIMIT 10;
