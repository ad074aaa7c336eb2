# Catalogue français d'epreuve. Chaque message a son pendant dans en.ftl (le test du catalogue
# le vérifie). Les variables sont entre accolades : { $nom }.

## Durées

time-hours = { $n ->
    [one] { $n } heure
   *[other] { $n } heures
}
time-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
time-seconds = { $n ->
    [one] { $n } seconde
   *[other] { $n } secondes
}

## Vue en direct (epreuve watch)

live-title = épreuve { $exam } · candidat·e { $candidate }
live-time-left = Temps restant
live-ends-at = fin à { $at }
live-time-is-up = Temps écoulé.
live-left = Il reste { $words }.
live-warning = Attention : il reste { $words }.
live-checks-pass = { $passed ->
    [0] Aucune des { $total } vérifications ne passe.
    [one] 1 vérification sur { $total } passe.
   *[other] { $passed } vérifications sur { $total } passent.
}
live-to-review = À revoir : { $titles }.
live-checking = Vérification en cours…
live-database-busy = Votre base est ouverte en écriture par un autre programme : la vérification attend qu'elle soit libre.
live-check-failed = La vérification n'a pas pu se faire : { $why }
live-submitted = Soumis à { $at } : vos réponses et votre base sont scellées.
live-submitted-late = Soumis à { $at } (après l'heure) : vos réponses et votre base sont scellées.
live-submitted-automatically = Soumis automatiquement à { $at } : vos réponses et votre base sont scellées.
live-submitted-automatically-late = Soumis automatiquement à { $at } (après l'heure) : vos réponses et votre base sont scellées.
live-submit-waiting = La soumission automatique attend : { $why }
live-submit-soon = Votre travail sera soumis automatiquement 15 secondes avant la fin.
live-keys = q : quitter la vue (l'épreuve continue) · c : vérifier maintenant
live-left-view = L'épreuve continue. `epreuve watch` rouvre la vue.
live-database = Base de données
live-checklist = Vérifications publiques

## États d'une vérification

status-passed = passe
status-failed = à revoir
status-not-applicable = sans objet
status-not-gradable = non évaluable
status-pending = en attente

## Vérifications, par nature

check-columns = { $table } : table et colonnes
check-row_count = { $table } : nombre de lignes égal à la source
check-head = { $table } : premières lignes affichées
check-values = { $table } : aucune valeur coupée ni altérée
check-type_family = { $table } : types des colonnes adaptés à la source
check-size = { $table } : tailles des nombres adaptées à la plus grande valeur
check-text_length = { $table } : longueurs des textes adaptées à la plus longue valeur
check-default_tables = instance : base démarrée, tables par défaut listées

## epreuve check

checklist-check = vérification
checklist-status = état
checklist-look-at = à regarder
check-all-pass = Toutes les vérifications publiques passent. La correction en vérifie davantage.
check-not-yet = { $n ->
    [one] 1 vérification publique n'est pas encore satisfaite.
   *[other] { $n } vérifications publiques ne sont pas encore satisfaites.
}
check-database-silent = Certaines vérifications n'ont pas pu se faire : la base n'a pas répondu (voir ci-dessus).

## epreuve status

status-exam = Épreuve { $exam } · candidat·e { $candidate }
status-left = il reste { $left } (fin le { $deadline })
status-time-up = temps écoulé (fin le { $deadline })
status-submitted = soumis à { $at }
status-submitted-late = soumis à { $at } (après l'heure)
status-not-submitted = pas encore soumis
status-database = Base de données ({ $engine }) :

## Rapport de l'évaluateur (epreuve grade)

report-head = Épreuve { $exam } · candidat·e { $candidate } · moteur { $engine }
report-score = Note : { $score } / { $max }
report-incomplete = (incomplet : certaines vérifications n'ont pas pu être faites, voir plus bas)
report-provisional = (provisoire : les preuves ont changé après la soumission, voir plus bas)
report-changed = Modifié : { $what }
report-note = Remarque : { $what }
report-waiting = En attente de l'évaluateur : { $items } (notez-les dans evaluation.toml à côté de la soumission ; la note reste provisoire d'ici là)
report-criterion = critère
report-points = points
report-max = max
report-verdict = verdict
report-why = pourquoi
report-check = vérification
report-status = état
report-evidence = preuve

## Notes du rapport

note-no-centre-record = le centre n'a pas d'enregistrement de cet espace de travail : son début, sa fin, sa graine et les sommes de contrôle des données viennent de la machine du candidat
note-submitted-late = soumis en retard, à { $at } UTC (fin à { $deadline } UTC)
note-not-submitted = non soumis : l'espace de travail a été corrigé tel qu'il est maintenant
note-manual-not-scored = { $unscored } des { $total } éléments manuels ne sont pas encore notés : `epreuve grade { $workspace } --evaluation-template` imprime un fichier à remplir ; gardez-le dans un dossier à vous et passez-le avec --evaluation
note-graded-from-dump = la base a changé après la soumission ou ne répond pas : elle a été corrigée depuis la sauvegarde figée à la soumission
note-data-differs = data/{ $file } diffère du fichier remis à ce candidat ; la vérité de référence a été calculée depuis l'original
note-data-deleted = data/{ $file } a été supprimé de l'espace de travail ; la vérité de référence a été calculée depuis l'original
note-data-unreadable = data/{ $file } n'a pas pu être comparé à l'original ({ $why }) ; la vérité de référence a été calculée depuis l'original
note-data-recorded-checksum = la somme de contrôle de data/{ $file } enregistrée au début n'est pas celle du fichier remis à ce candidat ; la vérité de référence a été calculée depuis l'original régénéré
note-data-catalogue-changed = la copie du catalogue de { $file } a changé depuis le début de l'épreuve ; la vérité de référence a été calculée depuis la copie remise, dont le centre a enregistré la somme de contrôle

## Ce que trouve une vérification publique

hint-table-missing = la table `{ $table }` n'existe pas
hint-table-is-view = `{ $table }` est une vue, pas une table : l'énoncé demande une table qui contient les données
hint-columns-missing = il manque à `{ $table }` les colonnes { $columns }
hint-row-count = `{ $table }` n'a pas autant de lignes que { $source } : comparez les nombres
hint-answer-missing = { $file } est absent
hint-head-rows = { $file } renvoie { $rows } lignes ; les premières lignes, c'est de { $min } à { $max }
hint-head-rows-more = { $file } renvoie plus de { $rows } lignes ; les premières lignes, c'est de { $min } à { $max }
hint-head-columns = { $file } n'affiche pas les colonnes { $columns }
hint-head-foreign = { $file } renvoie { $foreign } lignes sur { $rows } qui ne sont pas des lignes de `{ $table }`
hint-default-tables = { $file } s'exécute mais ne liste aucune table du catalogue (au moins { $required } noms attendus dans une colonne)
hint-default-tables-duckdb = { $file } s'exécute mais ne liste aucune table du catalogue (au moins { $required } noms attendus dans une colonne) ; sous DuckDB, information_schema.tables ne liste que vos propres tables et celles du système sont des vues : SELECT schema_name, view_name FROM duckdb_views()

## Comment se connecter à la base

conn-duckdb-file = Fichier DuckDB { $path }
conn-dbeaver = nouvelle connexion DuckDB, chemin { $path }
conn-docker = conteneur Docker { $container } ({ $image })
conn-local = serveur local, fichiers dans { $dir }
conn-centre = base sur le serveur du centre
conn-account = hôte { $host }  port { $port }  utilisateur { $user }  mot de passe { $password }  base { $database }
