-- Aperçu des ventes
SELEC * FROM ventes LIMIT 10;
