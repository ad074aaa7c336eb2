-- The optimised table: each column typed and sized from its values, the rows of the raw
-- table that have a discount (the others are dropped), and a primary key on the identifier R1 searches by.
CREATE TABLE ventes (
    id_vente        INTEGER PRIMARY KEY,
    date_vente      DATE NOT NULL,
    code_magasin    VARCHAR(6) NOT NULL,
    sku             VARCHAR(9) NOT NULL,
    quantite        SMALLINT,
    prix_unitaire   DECIMAL(6,2),
    remise_pct      DECIMAL(4,1),
    montant_ttc     DECIMAL(8,2),
    carte_fidelite  BOOLEAN,
    mode_paiement   VARCHAR(20),
    commentaire     VARCHAR(150)
);

INSERT INTO ventes
SELECT CAST(id_vente AS INTEGER),
       CAST(date_vente AS DATE),
       code_magasin,
       sku,
       CAST(quantite AS INTEGER),
       CAST(prix_unitaire AS DECIMAL(6,2)),
       CAST(remise_pct AS DECIMAL(4,1)),
       CAST(montant_ttc AS DECIMAL(8,2)),
       carte_fidelite = 'true',
       mode_paiement,
       commentaire
FROM ventes_brutes
WHERE remise_pct IS NOT NULL;

CREATE INDEX idx_ventes_date ON ventes (date_vente);
