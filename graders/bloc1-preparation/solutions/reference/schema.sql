-- The three sources, loaded as they are.
CREATE TABLE ventes (
    id_vente        INTEGER,
    date_vente      DATE,
    code_magasin    VARCHAR(6),
    sku             VARCHAR(9),
    quantite        SMALLINT,
    prix_unitaire   DECIMAL(6,2),
    remise_pct      DECIMAL(4,1),
    montant_ttc     DECIMAL(8,2),
    carte_fidelite  BOOLEAN,
    mode_paiement   VARCHAR(20),
    commentaire     VARCHAR(150)
);

CREATE TABLE objectifs (
    code_magasin    VARCHAR(6),
    annee           SMALLINT,
    mois            SMALLINT,
    objectif_ca     DECIMAL(10,2)
);

CREATE TABLE produits (
    categorie           VARCHAR(3),
    sku                 VARCHAR(9),
    designation         VARCHAR(100),
    marque              VARCHAR(40),
    prix_catalogue      DECIMAL(6,2),
    bio                 BOOLEAN,
    poids_g             SMALLINT,
    date_referencement  DATE
);
