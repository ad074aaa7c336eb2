-- Every column stored as TEXT: the values survive, the types and sizes do not fit, and no
-- text column declares a length.
CREATE TABLE ventes (
    id_vente TEXT, date_vente TEXT, code_magasin TEXT, sku TEXT, quantite TEXT,
    prix_unitaire TEXT, remise_pct TEXT, montant_ttc TEXT, carte_fidelite TEXT,
    mode_paiement TEXT, commentaire TEXT
);
CREATE TABLE magasins (
    code_magasin TEXT, nom TEXT, ville TEXT, code_postal TEXT, region TEXT,
    surface_m2 TEXT, date_ouverture TEXT, ouvert_dimanche TEXT
);
CREATE TABLE objectifs (code_magasin TEXT, annee TEXT, mois TEXT, objectif_ca TEXT);
CREATE TABLE produits (
    categorie TEXT, sku TEXT, designation TEXT, marque TEXT, prix_catalogue TEXT,
    bio TEXT, poids_g TEXT, date_referencement TEXT
);
