-- Reference schema: each type and size fitted to the source values (see the statement's rules).
CREATE TABLE ventes (
    id_vente        INTEGER,        -- 1000001 .. 1024000
    date_vente      VARCHAR(10),    -- the date kept as text
    code_magasin    VARCHAR(6),     -- MAG001
    sku             VARCHAR(9),     -- EPI-00123
    quantite        SMALLINT,       -- 1 .. 48
    prix_unitaire   DECIMAL(4,2),   -- up to 89,90
    remise_pct      DECIMAL(3,1),   -- 0, 5,5, 10, 20
    montant_ttc     DECIMAL(6,2),   -- up to a few thousand euros
    carte_fidelite  BOOLEAN,        -- oui / non
    mode_paiement   VARCHAR(20),    -- longest: Titre-restaurant (16)
    commentaire     VARCHAR(120)
);

CREATE TABLE magasins (
    code_magasin    VARCHAR(6),
    nom             VARCHAR(88),    -- longest 47 to 86 from one candidate to another
    ville           VARCHAR(30),
    code_postal     VARCHAR(5),     -- 01000: a code, not a number
    region          VARCHAR(30),
    surface_m2      SMALLINT,
    date_ouverture  DATE,
    ouvert_dimanche BOOLEAN
);

CREATE TABLE objectifs (
    code_magasin    VARCHAR(6),
    annee           SMALLINT,
    mois            SMALLINT,
    objectif_ca     DECIMAL(8,2)    -- up to about 490 000,00
);

CREATE TABLE produits (
    categorie           VARCHAR(3),
    sku                 VARCHAR(9),
    designation         VARCHAR(100),
    marque              VARCHAR(20),
    prix_catalogue      DECIMAL(4,2),
    bio                 BOOLEAN,
    poids_g             SMALLINT,
    date_referencement  DATE
);
