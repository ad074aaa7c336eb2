-- The non-optimised table, loaded for the candidate at start: every column in text, no key,
-- no index, as a quick import leaves it. Dates are written 2025-03-01 and decimals with a
-- point, so that every engine can cast them.
CREATE TABLE ventes_brutes (
    id_vente        TEXT,
    date_vente      TEXT,
    code_magasin    TEXT,
    sku             TEXT,
    quantite        TEXT,
    prix_unitaire   TEXT,
    remise_pct      TEXT,
    montant_ttc     TEXT,
    carte_fidelite  TEXT,
    mode_paiement   TEXT,
    commentaire     TEXT
);
