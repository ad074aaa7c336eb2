-- Every column stored as text: the values survive, the types and sizes do not fit.
CREATE TABLE ventes (
    id_vente VARCHAR, date_vente VARCHAR, code_magasin VARCHAR, sku VARCHAR, quantite VARCHAR,
    prix_unitaire VARCHAR, remise_pct VARCHAR, montant_ttc VARCHAR, carte_fidelite VARCHAR,
    mode_paiement VARCHAR, commentaire VARCHAR
);
CREATE TABLE magasins (
    code_magasin VARCHAR, nom VARCHAR, ville VARCHAR, code_postal VARCHAR, region VARCHAR,
    surface_m2 VARCHAR, date_ouverture VARCHAR, ouvert_dimanche VARCHAR
);
CREATE TABLE objectifs (code_magasin VARCHAR, annee VARCHAR, mois VARCHAR, objectif_ca VARCHAR);
CREATE TABLE produits (
    categorie VARCHAR, sku VARCHAR, designation VARCHAR, marque VARCHAR, prix_catalogue VARCHAR,
    bio VARCHAR, poids_g VARCHAR, date_referencement VARCHAR
);
