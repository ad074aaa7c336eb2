-- The same optimisation written another way: CREATE TABLE … AS SELECT with the casts, a
-- unique index created by name rather than a primary key, upper-case keywords and column
-- names (not table names: MariaDB on Linux tells `VENTES` from `ventes`).
CREATE TABLE ventes AS
SELECT CAST(ID_VENTE AS INTEGER)              AS ID_VENTE,
       CAST(DATE_VENTE AS DATE)               AS DATE_VENTE,
       CAST(CODE_MAGASIN AS VARCHAR(6))       AS CODE_MAGASIN,
       CAST(SKU AS VARCHAR(9))                AS SKU,
       CAST(QUANTITE AS INTEGER)              AS QUANTITE,
       CAST(PRIX_UNITAIRE AS DECIMAL(6,2))    AS PRIX_UNITAIRE,
       CAST(REMISE_PCT AS DECIMAL(4,1))       AS REMISE_PCT,
       CAST(MONTANT_TTC AS DECIMAL(8,2))      AS MONTANT_TTC,
       CARTE_FIDELITE = 'true'                AS CARTE_FIDELITE,
       CAST(MODE_PAIEMENT AS VARCHAR(20))     AS MODE_PAIEMENT,
       CAST(COMMENTAIRE AS VARCHAR(150))      AS COMMENTAIRE
FROM ventes_brutes;

CREATE UNIQUE INDEX IDX_VENTES_ID ON ventes (ID_VENTE);
