-- The sales summed to the month first, then joined to the targets.
CREATE TABLE suivi_mensuel AS
WITH mensuel AS (
    SELECT v.code_magasin,
           EXTRACT(YEAR FROM v.date_vente) AS annee,
           EXTRACT(MONTH FROM v.date_vente) AS mois,
           SUM(v.montant_ttc) AS ca,
           SUM(CASE WHEN p.bio THEN v.montant_ttc ELSE 0 END) AS bio,
           COUNT(*) AS lignes
    FROM ventes AS v
    JOIN produits AS p ON p.sku = v.sku
    GROUP BY v.code_magasin, EXTRACT(YEAR FROM v.date_vente), EXTRACT(MONTH FROM v.date_vente)
)
SELECT o.objectif_ca AS OBJECTIF_CA,
       ROUND(COALESCE(m.ca, 0), 2) AS CA_TTC,
       ROUND(COALESCE(m.bio, 0), 2) AS CA_BIO,
       o.mois AS MOIS, o.annee AS ANNEE, o.code_magasin AS CODE_MAGASIN,
       COALESCE(m.lignes, 0) AS nb_lignes
FROM objectifs AS o
LEFT JOIN mensuel AS m
       ON m.code_magasin = o.code_magasin AND m.annee = o.annee AND m.mois = o.mois;

CREATE TABLE produits_complets AS
SELECT categorie, sku, designation, COALESCE(marque, (SELECT marque FROM produits WHERE marque IS NOT NULL GROUP BY marque ORDER BY COUNT(*) DESC, marque LIMIT 1)) AS marque, prix_catalogue, bio,
       COALESCE(poids_g, (SELECT AVG(poids_g) FROM produits)) AS poids_g, date_referencement
FROM produits;
