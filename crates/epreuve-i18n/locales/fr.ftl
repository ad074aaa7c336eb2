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
live-submit-at-end = Votre travail sera soumis automatiquement à la fin, dans le délai de grâce que permet l'épreuve.
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
report-waiting = En attente de l'évaluateur : { $items } (notez-les dans un fichier à vous, hors de l'espace de travail, donné avec --evaluation ; `epreuve grade --evaluation-template` en écrit un ; la note reste provisoire d'ici là)
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
hint-default-databases = { $file } s'exécute mais ne liste aucune base du serveur (au moins { $required } noms attendus dans un champ) ; la commande listDatabases les liste
hint-default-tables = { $file } s'exécute mais ne liste aucune table du catalogue (au moins { $required } noms attendus dans une colonne)
hint-default-tables-duckdb = { $file } s'exécute mais ne liste aucune table du catalogue (au moins { $required } noms attendus dans une colonne) ; sous DuckDB, information_schema.tables ne liste que vos propres tables et celles du système sont des vues : SELECT schema_name, view_name FROM duckdb_views()

## Comment se connecter à la base

conn-duckdb-file = Fichier DuckDB { $path }
conn-dbeaver = nouvelle connexion DuckDB, chemin { $path }
conn-docker = conteneur Docker { $container } ({ $image })
conn-local = serveur local, fichiers dans { $dir }
conn-centre = base sur le serveur du centre
conn-account = hôte { $host }  port { $port }  utilisateur { $user }  mot de passe { $password }  base { $database }

## Pourquoi un critère est acquis ou non

criterion-not-gradable = { $check } n'a pas pu être évalué
criterion-pending = { $check } attend l'évaluateur
criterion-lost = { $lost } % des cellules remplies de la source perdues ({ $check }), plus que les { $allowed } % admis
criterion-nothing-counts = aucune de ses vérifications ne compte sur ce moteur
criterion-share = { $share } % des points, { $needed } % requis

## La grille du jury : une ligne par indicateur du référentiel

grid-title = La grille du jury (les indicateurs du référentiel, dans ses mots)
grid-indicator = indicateur
grid-tolerance = tolérance
grid-evidence = preuve
grid-gloss = { "" }
grid-tolerance-whole = tous les points de chaque vérification
grid-tolerance-answers = une réponse de chaque vérification (ses points ne comptent que pour la note)
grid-tolerance-share = au moins { $share } % des points de chaque vérification
grid-tolerance-lost-only = au plus { $lost } % des cellules remplies de la source perdues
grid-tolerance-lost = { $share }, au plus { $lost } % des cellules remplies de la source perdues
grid-tolerance-of = { $check } : { $tolerance }
grid-short-share = { $check } garde { $share } % : { $found }
grid-short-lost = { $check } perd { $lost } % des cellules remplies de la source : { $found }
grid-evidence-short = { $short }
grid-evidence-held = { $n ->
    [one] montré par 1 vérification : { $checks }
   *[other] montré par { $n } vérifications : { $checks }
}
criterion-indicators-not-acquired = { $total ->
    [one] son indicateur { $first } n'est pas acquis
   *[other] { $n } de ses { $total } indicateurs non acquis, { $first } d'abord
}
criterion-indicators-acquired = { $n ->
    [one] son indicateur est acquis
   *[other] ses { $n } indicateurs sont acquis
}

## Ce qu'une vérification a trouvé, pour l'évaluateur (et pour le candidat quand rien de caché n'y figure)

hint-ok = ok
ev-nothing = {""}
ev-and = { $first } ; { $then }
ev-parts = { $parts }
join-and = { $a } et { $b }
join-or = { $a } ou { $b }
join-nor = { $a } ni { $b }
ev-not-gradable = non évaluable : { $error }
ev-grader-fault = non évaluable, la faute vient du correcteur : { $why }
ev-failed-while = { $what } : { $error }
ev-answer-refused = fichier refusé : { $why }
ev-table-too-long = `{ $table }` contient plus de { $cap } lignes, bien plus que { $source } ; epreuve ne lit pas plus loin
ev-task-table-too-long = `{ $table }` contient plus de { $cap } lignes, bien plus qu'attendu ; epreuve ne lit pas plus loin
ev-answer-too-long = { $file } renvoie plus de { $cap } lignes
ev-text-length-not-kept = { $engine } ne conserve pas les longueurs déclarées VARCHAR(n) : sans objet sur ce moteur
ev-instance-check = une vérification de l'instance
ev-no-tables-query = le correcteur ne nomme aucune requête listant les tables par défaut
ev-no-head-query = le correcteur ne nomme aucune requête d'aperçu pour cette table
ev-no-head-rules = le correcteur n'a pas de règles [head]
ev-no-sizing-rules = le correcteur n'a pas de règles [sizing]
ev-no-timing-task = le correcteur n'a pas de tâche de chronométrage `{ $id }`
ev-no-exam-table = l'épreuve n'a pas de table `{ $table }`
ev-no-column = `{ $table }` n'a pas de colonne `{ $column }`
ev-no-value = `{ $table }.{ $column }` n'a aucune valeur
ev-source-no-column = la source n'a pas de colonne `{ $column }`
ev-truth-unloaded = chargement de la vérité de référence : { $error }
ev-grader-query-fails = la requête du correcteur échoue : { $error }
ev-file-problem = { $file } : { $problem }
ev-table-name = `{ $table }`
ev-column-missing = il manque `{ $column }`
ev-no-row = { $file } ne renvoie aucune ligne

doing-read-table = lecture de la table
doing-read-named-table = lecture de `{ $table }`
doing-read-columns = lecture des colonnes
doing-count-rows = comptage des lignes
doing-count-rows-of = comptage des lignes de `{ $table }`
doing-list-catalogue = lecture du catalogue
doing-list-indexes = lecture des index
doing-list-indexes-of = lecture des index de `{ $table }`
doing-read-plan = lecture du plan
doing-read-plan-of = lecture du plan de { $query } sur `{ $table }`
doing-run-query = la requête de { $file } ne s'exécute pas
doing-time-query = la requête { $query } sur `{ $table }` échoue

what-types = types
what-sizes = tailles
what-text-lengths = longueurs de texte
what-values = valeurs
what-file = { $file }
what-table = la table `{ $table }`

ev-columns-all = les { $n } colonnes de { $source } sont dans `{ $table }`
ev-columns-missing = il manque à `{ $table }` { $missing } des { $n } colonnes de { $source } : { $columns }
ev-row-count-same = { $n } lignes dans `{ $table }`, comme dans { $source }
ev-row-count-missing = { $source } a { $expected } lignes, `{ $table }` en a { $found } ({ $difference } manquantes)
ev-row-count-too-many = { $source } a { $expected } lignes, `{ $table }` en a { $found } ({ $difference } en trop)
ev-head = { $file } affiche { $rows } lignes de `{ $table }` avec toutes les colonnes
ev-default-databases = le serveur { $engine } répond ; { $file } liste { $n } de ses bases (champ `{ $column }`)
ev-default-tables = la base { $engine } répond ; { $file } liste { $n } tables de son catalogue (colonne `{ $column }`)

ev-columns-nothing-left = { $what } : plus rien à juger ; les { $elsewhere } colonnes concernées manquent ou sont de la mauvaise famille de types, ce qu'une autre vérification compte
ev-columns-none-concerned = { $what } : aucune colonne de cette table n'est concernée
ev-columns-all-right = { $what } : les { $ok } colonnes jugées sont justes{ $elsewhere ->
    [0] {""}
    [one] {" "}({ $elsewhere } manquante ou de la mauvaise famille de types, comptée par une autre vérification)
   *[other] {" "}({ $elsewhere } manquantes ou de la mauvaise famille de types, comptées par une autre vérification)
}
ev-columns-some-right = { $what } : { $ok } colonnes justes sur { $applicable }{ $elsewhere ->
    [0] {""}
    [one] {" "}({ $elsewhere } manquante ou de la mauvaise famille de types, comptée par une autre vérification)
   *[other] {" "}({ $elsewhere } manquantes ou de la mauvaise famille de types, comptées par une autre vérification)
} ; { $problems }
hint-look-again = { $what } : revoyez { $columns }

family-integer = entier
family-decimal = décimal
family-date = date
family-timestamp = horodatage
family-boolean = booléen
family-text = texte
family-none = pas un type scalaire
ev-type-wrong-family = `{ $column }` est déclarée { $declared } ({ $declared_family }) mais ses valeurs sont de type { $family }
ev-size-column = `{ $column }` : { $problem }
ev-size-cannot-hold = { $declared } ne peut pas contenir les valeurs de { $lo } à { $hi }
ev-size-integer-too-large = { $declared } prend { $bytes } octets pour des valeurs de { $lo } à { $hi }, que { $needed } octets contiennent
ev-size-float = { $declared } est un flottant binaire ; des montants à { $scale } décimales tiennent dans un { $exact } exact
ev-size-no-precision = { $declared } ne déclare ni précision ni échelle
ev-size-decimal-too-small = { $declared } est trop petit pour des valeurs qui demandent { $needed }
ev-size-decimal-too-large = { $declared } est bien plus grand que le { $needed } dont les valeurs ont besoin
ev-size-no-length = { $declared } ne déclare pas de longueur maximale ; la plus longue valeur a { $longest } caractères
ev-size-text-too-short = { $declared } est plus court que la plus longue valeur ({ $longest } caractères)
ev-size-text-too-long = { $declared } est surdimensionné : la plus longue valeur a { $longest } caractères (jusqu'à { $allowed } acceptés)

ev-values-nothing = `{ $table }` ne contient aucune ligne de { $source } à juger
ev-values = valeurs : { $intact } lignes intactes sur { $judged } (appariées { $paired }) ; { $lost } % des cellules remplies de la source perdues
ev-values-and = valeurs : { $intact } lignes intactes sur { $judged } (appariées { $paired }) ; { $lost } % des cellules remplies de la source perdues ; { $details }
ev-paired-whole-rows = en lignes entières
ev-paired-by = par { $key }
ev-values-foreign = { $n ->
    [one] { $n } ligne égale
   *[other] { $n } lignes égales
} à aucune ligne de la source, la première { $first }
ev-values-foreign-key = { $n ->
    [one] { $n } ligne dont la clé n'est
   *[other] { $n } lignes dont la clé n'est
} pas dans la source, la première { $first }
ev-values-duplicates = { $n ->
    [one] { $n } ligne apparaît
   *[other] { $n } lignes apparaissent
} plus d'une fois (chargées deux fois ?) : le nombre de lignes le juge, les valeurs sont jugées une fois
ev-key-not-in-table = la clé { $key } n'est pas entière dans la table : lignes appariées en entier
ev-key-not-unique = la source contient certaines valeurs de { $key } plus d'une fois : lignes appariées en entier
hint-values-foreign = valeurs : des lignes de `{ $table }` ne sont pas des lignes de { $source }
ev-values-altered = { $n ->
    [one] { $n } ligne a
   *[other] { $n } lignes ont
} une autre valeur
ev-values-emptied = { $n ->
    [one] { $n } ligne est vide
   *[other] { $n } lignes sont vides
} là où la source a une valeur
ev-values-altered-and-emptied = { $altered } et { $emptied }
ev-value-empty = vide
ev-values-column = `{ $column }` : { $what }
ev-values-column-first = `{ $column }` : { $what }, la première { $first }
ev-values-first-at = { $got } dans { $at }
ev-values-first = { $at } : { $got } au lieu de { $want }
ev-values-first-cut = { $at } : { $got } au lieu de { $want } (coupée)

cmp-extra-columns-named = colonnes en trop ignorées : { $columns }
cmp-extra-columns = { $n } colonnes en trop ignorées
cmp-columns-missing = { $n ->
    [one] il manque la colonne { $columns }
   *[other] il manque les colonnes { $columns }
}
cmp-rows-missing = { $n ->
    [one] { $n } ligne manque
   *[other] { $n } lignes manquent
}, la première est { $first }
cmp-rows-too-many = { $n ->
    [one] { $n } ligne en trop
   *[other] { $n } lignes en trop
}, la première est { $first }
cmp-column-differs = la colonne `{ $column }` diffère de { $by } sur { $n ->
    [one] { $n } ligne
   *[other] { $n } lignes
}
cmp-up-to-percent = jusqu'à { $percent } %
cmp-up-to = jusqu'à { $value }
cmp-wrong-order = les bonnes lignes, dans le mauvais ordre
ev-compare-right = { $what } : les { $rows } lignes attendues
ev-compare-right-remarks = { $what } : les { $rows } lignes attendues ({ $remarks })
ev-compare-differs = { $what } : { $parts }
hint-compare-differs = { $what } ne contient pas encore ce que demande l'énoncé

ev-index-on = `{ $index }` sur ({ $columns })
ev-no-index = `{ $table }` n'a pas d'index ; la recherche en demande un sur `{ $column }`
ev-no-index-on-column = aucun index de `{ $table }` ne commence par `{ $column }` (trouvés : { $found })
ev-index-used = index `{ $index }` sur `{ $table }`({ $column }), et le plan de la recherche de l'énoncé l'utilise
ev-index-unused = l'index `{ $index }` sur `{ $table }`({ $column }) existe, mais le plan de la recherche de l'énoncé ne l'utilise pas ({ $plan })
hint-index-unused = l'index existe, mais le plan du moteur ne l'utilise pas

stat-count = effectif
stat-mean = moyenne
stat-median = médiane
stat-first-quartile = premier quartile
stat-third-quartile = troisième quartile
stat-minimum = minimum
stat-maximum = maximum
stat-value = { $value }
stat-value-continuous = { $value } (continu)
stat-value-discrete = { $value } (discret)
ev-stat-missing = il manque `{ $name }` ({ $statistic })
ev-stat-not-number = `{ $name }` n'est pas un nombre : { $found }
ev-stat-right = { $statistic } { $value }
ev-stat-wrong = `{ $name }` : { $statistic } attendu { $expected }, trouvé { $found }
ev-stats-counted = `{ $table }.{ $column }`, { $n } valeurs, valeurs manquantes écartées
ev-stats-right = { $counted } : { $found }
ev-stats-wrong = { $counted } : { $right } justes sur { $total } ; { $wrong }
hint-stats-wrong = { $right } statistiques de `{ $column }` justes sur { $total } ; revoyez { $names }
ev-missing-row-accepted = la ligne { $label } compte les { $n } valeurs manquantes : acceptée et écartée
ev-missing-row-wrong = la ligne { $label } devrait compter les { $n } valeurs manquantes, elle dit { $says }
ev-missing-row-unreadable = la ligne { $label } devrait compter les { $n } valeurs manquantes, elle ne dit rien de lisible

method-mean = la moyenne
method-median = la médiane
method-zero = zéro
method-mode = la catégorie la plus fréquente
method-none = aucune des méthodes acceptées
ev-impute-key-missing = `{ $table }` doit garder la colonne clé `{ $key }` de sa source
ev-impute-rows-missing = { $n } lignes de la source manquent
ev-impute-changed = { $n } valeurs présentes ont été modifiées
ev-impute-unfilled = { $n } cellules manquantes sont encore vides
ev-impute-wrong-method = les { $n } cellules manquantes contiennent { $value }, soit { $found } ({ $asked } demandé)
ev-impute-many-values = les { $n } cellules manquantes contiennent { $distinct } valeurs différentes ({ $first }…) ; une méthode donne une seule valeur
ev-impute-filled = `{ $column }` : { $n } cellules manquantes remplies avec { $value } ({ $method })
ev-impute-nothing = `{ $column }` : aucune cellule manquante dans la source
ev-impute-column = `{ $column }` : { $faults }
ev-impute-right = { $columns } ; toutes les autres valeurs inchangées
ev-impute-wrong = { $right } colonnes imputées comme demandé sur { $total } ; { $problems }
hint-impute-wrong = { $right } colonnes de `{ $table }` sur { $total } sont imputées comme le demande l'énoncé

ev-timing-query = { $query } : { $slow_ms } ms sur `{ $slow }`, { $fast_ms } ms sur `{ $fast }`, ×{ $ratio } (tours ×{ $low } à ×{ $high }), { $verdict }
ev-timing-enough = au moins ×{ $min } demandé
ev-timing-not-enough = pas le ×{ $min } que demande l'énoncé
ev-timing-reported = indiqué seulement
ev-timing-plan-index = le plan sur `{ $fast }` utilise un index
ev-timing-plan-no-index = le plan sur `{ $fast }` n'utilise aucun index ({ $plan })
ev-timing-slow-gone = la table `{ $table }` chargée au début a disparu : la table optimisée n'a rien à quoi se comparer
ev-timing-fast-missing = la table optimisée `{ $table }` n'existe pas
ev-timing-rows-differ = `{ $fast }` contient { $fast_rows } lignes là où `{ $slow }` en contient { $slow_rows } : une table optimisée garde toutes les lignes, ses temps ne prouvent donc rien
hint-timing-not-faster = `{ $fast }` n'est pas assez plus rapide que `{ $slow }` sur { $queries }
hint-timing-no-index = le plan de { $queries } sur `{ $fast }` ne lit aucun index
ev-measurements-unmatched = les mesures ne peuvent pas être comparées à celles d'epreuve : { $why }
ev-measure-no-time = { $query } n'a pas de temps sur { $tables }
ev-measure-compared = { $query } : ×{ $theirs } indiqué, ×{ $ours } mesuré par epreuve
ev-measure-not-faster = { $compared } : le rapport ne montre pas la table optimisée plus rapide
ev-measure-false-gain = { $compared } : le rapport montre un gain qu'epreuve ne trouve pas
ev-measure-too-large = { $compared } : un gain { $off } fois plus grand que celui mesuré sur les mêmes tables, { $allowed } fois au plus (le coût propre d'un client réduit un gain, il ne le multiplie jamais)
ev-measure-other-speed = { $compared } : les temps diffèrent d'une table à l'autre comme si la machine était { $speed } fois aussi lente que celle de la correction, au-delà des { $allowed } fois qu'expliquent une autre machine ou une machine chargée
ev-measure-faster-than-engine = { $compared } : { $theirs } ms sur `{ $table }` est plus rapide que le moteur ne répond à cette requête sur cette table ({ $ours } ms mesurées par epreuve) ; aucun client ne mesure moins que le temps du moteur lui-même
ev-measure-right = { $file } : { $queries }
ev-measure-wrong = { $file } : { $right } requêtes justes sur { $total } ; { $wrong }
hint-measure-wrong = { $file } : { $right } requêtes sur { $total } sont indiquées sur les deux tables avec une conclusion et des temps qui tiennent ; en cause : { $queries }
measure-empty = le fichier est vide
measure-no-separator = la première ligne `{ $header }` devrait nommer les colonnes requete;table;duree_ms
measure-wrong-columns = la première ligne nomme les colonnes { $columns }, pas requete, table et duree_ms
measure-not-duration = ligne { $line } : `{ $value }` n'est pas une durée en millisecondes
measure-not-positive = ligne { $line } : une durée doit être positive, pas { $value }
measure-none = aucune mesure sous la première ligne

ev-manual-pending = à noter par l'évaluateur : { $guidance }
ev-manual-scored = noté { $score } / { $weight }{ $by }{ $comment }
ev-manual-by = {" "}par { $assessor }
ev-manual-comment = {" "}: { $comment }

## Ce qui a changé depuis la soumission ou diffère de l'enregistrement du centre

log-not-an-entry = la ligne { $line } du journal des actions n'est pas une entrée écrite par epreuve
log-broken = la ligne { $line } du journal des actions ne suit pas la précédente (une ligne a été supprimée, modifiée ou insérée)
integrity-log = dans le journal des actions, { $problem }
integrity-submitted-log = dans le journal soumis, { $problem }
integrity-bundle-unreadable = la soumission du { $at } que nomme state.json ne peut pas être lue ({ $error }) ; l'espace de travail a été corrigé tel quel
integrity-bundle-unnamed = une soumission se trouve dans l'espace de travail mais state.json n'en nomme aucune (state.json modifié ?) ; l'espace de travail a été corrigé tel quel
integrity-answers-unreadable = le dossier des réponses ne peut pas être lu : { $error }
integrity-file-refused = la soumission contient un fichier qu'epreuve ne lira pas : { $reason }
integrity-file-uncopied = { $file } ne peut pas être copié pour la correction : { $error }
integrity-seal-replaced = le sceau de la soumission n'est pas celui enregistré à la soumission (remplacé depuis)
integrity-no-seal = la soumission n'a pas de sceau lisible ({ $error })
integrity-file-changed = { $file } a été modifié après la soumission
integrity-file-deleted = { $file } a été supprimé après la soumission
integrity-file-unreadable = { $file } ne peut pas être lu : { $error }
integrity-file-added = { $file } a été ajouté après la soumission
integrity-log-rewritten = le journal des actions a été réécrit après la soumission (il ne commence plus par le journal soumis)
integrity-state-differs = state.json n'enregistre pas la soumission comme la soumission elle-même (son heure ou son indicateur de retard ont été modifiés)
integrity-snapshot = l'instantané de la base ({ $file })
integrity-dump = la sauvegarde de la base
integrity-name = { $file }
integrity-late-recorded-on-time = la soumission est enregistrée comme à l'heure, mais elle est arrivée après la fin
integrity-dump-unrestored = la base a changé après la soumission (ou ne répond pas) et la sauvegarde figée alors n'a pas pu être restaurée ({ $why }) ; la base actuelle a été corrigée
integrity-database-changed = la base a changé après la soumission (tables, types ou nombres de lignes différents des preuves enregistrées alors) et aucune sauvegarde n'a été figée ; elle a été corrigée telle qu'elle est maintenant
integrity-no-class-record = le centre de la classe n'a aucun enregistrement de cet espace de travail (son identité dans state.json n'en désigne aucun) : son début, son heure limite, sa graine et les empreintes de ses données ne reposent que sur la parole du candidat
integrity-record-differs = l'espace de travail et l'enregistrement du centre diffèrent sur { $what } : { $theirs } contre { $ours } ; la valeur du centre est retenue
integrity-database-location = l'emplacement de la base diffère entre l'espace de travail et l'enregistrement du centre ; celui du centre est retenu
record-exam = l'épreuve
record-candidate = le candidat
record-start = le début
record-deadline = la fin
record-seed = la graine
record-data = les sommes de contrôle des données

## epreuve start, submit, demo

cli-starting = Démarrage de { $engine } via { $route }…
cli-lock-waiting = une autre commande epreuve utilise cet espace de travail ({ $holder }) ; attente de sa fin…
start-ready = Espace de travail prêt : { $title }
start-statement = énoncé :
start-data = données :
start-answers = réponses :
start-deadline = fin :
start-local-time = { $at } (heure locale)
start-database = Base de données :
start-next = `epreuve status --dir { $dir }` affiche le temps restant ; `epreuve check` ce qui manque encore ; `epreuve watch --dir { $dir }` les deux pendant que vous travaillez.
submit-done = Soumis à { $at }. Vos réponses et un instantané de votre base sont figés et scellés dans .epreuve/submissions/{ $bundle } ; soumettre de nouveau les remplace.
submit-done-late = Soumis à { $at }, après la fin : enregistré en retard. Vos réponses et un instantané de votre base sont figés et scellés dans .epreuve/submissions/{ $bundle } ; soumettre de nouveau les remplace.
submit-seal = sceau : { $seal }
submit-out = La soumission scellée est aussi dans { $file } : remettez ce fichier à votre centre.
demo-start = 1. démarrer { $exam } dans { $dir }
demo-apply = 2. appliquer la solution `{ $solution }` : { $description }
demo-submit = 3. soumettre
demo-manual = l'évaluateur note les éléments manuels
demo-grade = 4. corriger
demo-kept = L'espace de travail est gardé dans { $dir }.

## epreuve class

class-preparing = Préparation de { $n } espaces de travail de { $exam } ({ $engine } via { $route })…
class-ready = { $id } : prêt
class-not-prepared = { $id } : non préparé : { $why }
class-prepared = { $made } créés, { $kept } déjà là, { $failed } en échec, dans { $dir }
class-not-handed-out = { $id } : non remis : { $why }
class-handed-out = { $written } dossiers écrits dans { $dir } ({ $failed } en échec). Chacun contient catalogue/ et workspace/ : sur la machine du candidat, `epreuve --catalogue catalogue status --dir workspace` ; à la fin, `epreuve submit --dir workspace --out <id>.tar`, et le centre rassemble les fichiers pour `epreuve class collect`.
class-refused = { $file } : refusé : { $why }
class-taken = { $id } : pris de { $file }, sceau { $seal }
class-collected = { $taken } soumissions prises, { $refused } fichiers refusés
class-follow-not-prepared = non préparé ({ $why })
class-follow-working = en cours, fin à { $deadline }
class-follow-overdue = EN RETARD : non soumis, la fin était à { $deadline }
class-follow-submitted = soumis à { $at }
class-follow-submitted-late = soumis à { $at } (en retard)
class-follow-database-answers = la base répond
class-follow-database-silent = la base ne répond pas : { $why }
class-grade-bar = { $bar } { $pos }/{ $len } candidats · { $elapsed } · encore { $eta } environ
class-graded-partly = non évaluable : la base n'a pas répondu à toutes les vérifications (corrigé de nouveau au prochain passage)
class-not-gradable = non évaluable : { $why }
class-graded = { $graded } corrigés, { $kept } inchangés depuis leur dernière correction
class-graded-interrupted = { $graded } corrigés, { $kept } inchangés depuis leur dernière correction, { $left } restants (interrompu : relancez pour continuer)
class-gradescope-written = { $written } results.json écrits dans { $dir } ({ $ungradable } candidats non évaluables)
class-html-written = { $index } écrit, avec une page par candidat ({ $n }) dans { $dir }

## epreuve images build

images-kept = { $image } : déjà construite, gardée
images-building = { $image } : construction…
images-built = { $image } : construite en { $seconds } s
images-ready = Les images locales sont prêtes : démarrez avec `--via docker --images local`.

## Erreurs

cli-error = erreur : { $what }
cli-format-class-report-only = `--format { $format }` n'est écrit que par `class report` : les autres commandes écrivent `table` ou `json`
cli-format-table-only = `{ $command }` montre aux personnes ce qui se passe : il n'écrit pas de `--format { $format }`
cli-format-needs-out = `--format { $format }` écrit des fichiers : dites dans quel dossier avec `--out DOSSIER`
err-text = { $text }
db-query-writes = la requête tente de modifier la base ; seules les requêtes SELECT sont acceptées ici
db-query-several-prepared = le fichier contient plus d'une instruction ; gardez un seul SELECT (PostgreSQL refuse d'en préparer plusieurs)
db-query-none = le fichier ne contient aucune requête
db-query-no-rows = le fichier contient une instruction qui ne renvoie pas de lignes : seules les requêtes SELECT sont acceptées ici ; elles ne peuvent pas modifier la base
db-query-several = le fichier contient plus d'une instruction ; gardez un seul SELECT
db-statement-late = l'instruction ne s'est pas terminée à temps
db-no-sql = { $engine } ne lit pas le SQL : { $doing } demande un moteur SQL
db-query-is-mongodb = c'est une commande MongoDB : une base SQL exécute du SQL
db-query-is-sql = c'est du SQL : MongoDB exécute une commande écrite en JSON
db-no-csv = { $engine } ne charge pas de fichiers CSV ici
db-insert-failed = insertion dans `{ $table }` : { $error }
db-column-twice = le résultat nomme deux fois la colonne `{ $column }` ; donnez à chaque colonne son propre nom (AS …)
db-duckdb-parse-late = DuckDB n'a pas pu lire la requête à temps
db-query-not-select = le fichier contient une instruction qui n'est pas un SELECT : seules les requêtes SELECT sont acceptées ici ; elles ne peuvent pas modifier la base
db-query-statements = le fichier contient { $n } instructions ; gardez un seul SELECT (DuckDB les lit comme { $n })
db-query-trailing = la requête ne peut pas être lue comme un seul SELECT une fois ses commentaires et points-virgules finaux mis de côté ; retirez-les
db-load-write = écriture des lignes de `{ $table }` pour le chargement : { $error }
err-path-text = { $path } : { $text }
err-io = impossible de { $action } { $path } : { $error }
err-io-action = impossible de { $action } : { $error }
err-cannot-read = impossible de lire { $path } : { $error }
err-fs-missing = { $path } n'existe pas
err-fs-outside = { $path } mène à { $target }, hors de { $root } ; epreuve ne lit que les fichiers qui s'y trouvent
err-fs-not-regular = { $path } est { $kind }, pas un fichier ordinaire ; epreuve ne lit que des fichiers ordinaires
err-fs-too-many = { $path } contient plus de { $limit } fichiers et dossiers, le plus qu'epreuve examine dans un dossier
err-fs-too-large = { $path } dépasse { $limit } octets, le plus qu'epreuve lit pour un tel fichier
err-fs-busy = une autre commande epreuve ({ $holder }) utilise l'espace de travail { $path } et n'a pas fini en { $seconds } s ; attendez qu'elle se termine, puis réessayez
err-no-workspace = il n'y a pas d'espace de travail dans { $path } (le dossier n'existe pas) ; créez-en un avec `epreuve start <épreuve> --dir { $path }`
err-not-a-workspace = { $path } n'est pas un espace de travail epreuve : il n'a pas de .epreuve/state.json
err-wrong-engine = l'épreuve { $exam } ne se passe pas sur { $engine } : elle est écrite pour { $engines } (--engine)
err-not-empty = { $path } existe déjà et n'est pas vide ; choisissez un nouveau dossier pour que rien n'y soit écrasé
err-bad-state = l'état de l'espace de travail { $path } est abîmé : { $why }
state-version = il est de la version { $found }, et cet epreuve lit la version { $reads }
state-holds-accounts = il contient le compte de correction ou d'administration de la base, qu'epreuve garde du côté du centre seulement
state-database-field = le champ { $what } de la base n'est pas une valeur qu'epreuve enregistrerait (`{ $value }`)
state-workspace-id = l'identifiant d'espace de travail `{ $id }` n'est pas un identifiant tiré par epreuve (32 chiffres hexadécimaux)
state-exam-not-a-name = l'épreuve `{ $name }` n'est pas un nom (lettres, chiffres, `-` et `_` seulement)
state-candidate-empty = l'identifiant de candidat est vide ; donnez-en un avec --candidate
state-candidate-bad = l'identifiant de candidat `{ $candidate }` n'est pas permis : utilisez de 1 à 64 lettres, chiffres, `-`, `_`, `.` ou `@`
state-data-file = le fichier de données `{ $name }` n'est pas un simple nom de fichier
state-bundle-name = le rendu est enregistré dans `{ $name }`, un nom de dossier qu'epreuve ne donne pas
location-file = le fichier de la base est enregistré comme `{ $file }` ; epreuve n'utilise jamais que `{ $expected }` dans l'espace de travail
location-server-dir = le dossier du serveur local est enregistré comme `{ $dir }` ; epreuve n'utilise jamais que `{ $expected }` dans l'espace de travail
location-container = le conteneur est enregistré comme `{ $container }`, un nom qu'epreuve ne donne pas
err-data-changed = le fichier de données data/{ $file } a été { $what } depuis le début de l'épreuve et le catalogue n'a pas de copie d'origine avec la somme de contrôle enregistrée ; remettez le fichier d'origine dans data/
data-changed = modifié
data-deleted = supprimé
err-generate = impossible de générer les fichiers de données : { $why }
err-preload = impossible de charger la table `{ $table }` pour le candidat : { $why }
err-bundle-file = { $path } : { $why }
bundle-not-submitted = rien à écrire : l'espace de travail n'a pas été rendu (`epreuve submit`)
bundle-other-exam = c'est un rendu de l'épreuve `{ $found }`, pas de `{ $expected }`
bundle-other-candidate = c'est le rendu de `{ $found }`, pas de `{ $expected }`
bundle-other-workspace = son journal d'actions ne prolonge pas celui de l'espace préparé pour `{ $candidate }` : il n'a pas été fait depuis cet espace
bundle-not-a-file = ce n'est pas un fichier
bundle-no-facts = son submission.json est illisible
bundle-log-broken = son journal d'actions est rompu : { $problem }
bundle-not-tar = ce n'est pas un fichier de rendu écrit par `epreuve submit --out` ({ $error })
bundle-too-many = il contient plus de { $max } fichiers et dossiers, le plus qu'epreuve lit d'un rendu
bundle-too-large = il contient plus de { $max } octets, le plus qu'epreuve lit d'un rendu
bundle-twice = il contient `{ $entry }` deux fois
bundle-entry-unreadable = `{ $entry }` est illisible ({ $error })
bundle-name-unreadable = le nom d'une entrée est illisible ({ $error })
bundle-outside = il contient `{ $entry }`, hors de `{ $prefix }/`
bundle-climbs = il contient `{ $entry }`, un chemin qui remonte
bundle-not-regular = il contient `{ $entry }`, qui n'est pas un fichier ordinaire ({ $kind }) ; un rendu ne contient que des fichiers
bundle-no-seal = il n'a pas de sceau : ce n'est pas un rendu
bundle-seal-unreadable = son sceau est illisible ({ $error })
bundle-seal-broken = le sceau est rompu : { $broken }
bundle-file-changed = { $file } a été modifié
bundle-file-missing = { $file } manque
bundle-file-added = { $file } a été ajouté
collect-named-for-other = le fichier porte le nom de `{ $named }` mais contient le rendu de `{ $candidate }`
collect-not-in-class = c'est le rendu de `{ $candidate }`, qui n'est pas de la classe
collect-several = `{ $candidate }` a { $n } fichiers de rendu ({ $files }) : gardez celui à corriger
collect-unreadable = illisible : { $error }
err-db-missing = le fichier de base { $path } n'existe pas
err-db-locked = le fichier de base { $path } est verrouillé par un autre programme ({ $detail }) ; fermez la session DuckDB, le notebook ou la connexion DBeaver qui l'utilise et réessayez
err-db-newer-format = le fichier de base { $path } a été créé par un DuckDB plus récent que celui que lit epreuve (DuckDB 1.5 : les fichiers de DuckDB 1.5 et antérieurs, ou ceux créés par epreuve puis modifiés par un DuckDB plus récent) : { $detail } ; travaillez dans le fichier de base de l'espace de travail, ou copiez-y vos tables
err-db-unavailable = la base { $target } ne peut pas être ouverte : { $detail }
err-db-timeout = la requête a été arrêtée après { $seconds } s
err-db-denied = la base a refusé le compte de correction ({ $detail }) ; des droits ou des politiques de sécurité par ligne posés sur les tables du candidat empêchent le correcteur de les lire
err-db-internal = la base a échoué en exécutant `{ $sql }` : { $detail }
err-no-docker = Docker n'est pas disponible ({ $detail }). Démarrez le démon Docker, ou passez l'épreuve sans lui : `--via local` démarre un serveur depuis les programmes installés sur cette machine, et une épreuve SQL passée sans --engine utilise la base DuckDB intégrée
err-image-missing = l'image { $image } n'est pas disponible : { $detail }. { $hint }
err-port-taken = le port { $port } sur 127.0.0.1 est déjà pris ({ $detail }) ; choisissez-en un autre avec --port, ou omettez-le pour en obtenir un libre
err-docker = Docker n'a pas pu { $action } : { $detail }
err-not-installed = `{ $program }` est introuvable ; installez le paquet Debian { $package }, ou utilisez --via docker
err-server-failed = le { $what } n'a pas démarré : { $detail }
err-not-ready = le { $what } n'a pas répondu à `SELECT 1` en { $seconds } s : { $detail }
err-bad-url = --url : { $detail }
err-unreachable = impossible de se connecter à { $url } : { $detail }. Vérifiez l'hôte, le port, l'utilisateur et le mot de passe
err-database-exists = la base { $name } existe déjà sur { $url } ; utilisez un autre --candidate, ou supprimez-la si elle reste d'une session précédente
err-cancelled = annulé : tout ce qui avait été démarré a été supprimé
err-csv = { $path } : ligne { $line } : { $why }
err-workbook = { $path } : le classeur ne peut pas être ouvert : { $why }
err-missing-sheet = { $path } : il n'y a pas de feuille nommée `{ $sheet }` (le classeur a : { $available })
err-no-header = { $path } : { $what } n'a pas de ligne d'en-tête (la première ligne non vide doit nommer les colonnes)
err-json = { $path } : JSON invalide à la ligne { $line }, colonne { $column } : { $why }
err-duplicate-column = { $path } : la colonne `{ $column }` apparaît deux fois dans l'en-tête
err-write-workbook = impossible d'écrire le classeur { $path } : { $why }
err-frame = impossible de construire un tableau pour { $path } : { $why }
err-not-a-catalogue = { $root } n'est pas un catalogue d'épreuves (il n'a pas de dossier exercises/) ; définissez EPREUVE_CATALOGUE ou passez --catalogue
err-unknown-exam = il n'y a pas d'épreuve `{ $id }` dans le catalogue (épreuves connues : { $known }) ; `epreuve exams` les liste
err-candidate-pack = { $root } est un catalogue de candidat (fait par `epreuve pack`) : il ne contient que les vérifications publiques, donc { $what } demande le catalogue complet du centre ; passez-le avec --catalogue ou EPREUVE_CATALOGUE
err-manifest = { $file } n'est pas un manifeste valide : { $why }
err-refusal-no-rows = l'instruction ne renvoie aucune ligne
err-refusal-several = plus d'une instruction
err-evaluation = { $path } : { $why }
err-live-output = impossible d'écrire dans le terminal : { $error }
err-class-roster = { $path }, ligne { $line } : la liste { $why }
err-class-none = { $dir } n'est pas un dossier de classe (pas de class.toml) : `epreuve class prepare LISTE --exam … --dir { $dir }` en crée un
err-class-other-exam = { $dir } contient une classe de `{ $found }`, pas de `{ $asked }` : choisissez un autre dossier
err-class-manifest = impossible de lire { $path } : { $why }
roster-not-utf8 = n'est pas un texte UTF-8 (enregistrez la liste en CSV UTF-8)
roster-unreadable = ne peut pas être lue : { $error }
roster-unknown-column = nomme une colonne `{ $column }` qu'epreuve ne connaît pas (colonnes : identifiant, nom, et si besoin courriel et tiers_temps ; en anglais id, name, email, extra_time)
roster-column-twice = nomme deux fois la colonne `{ $column }`
roster-no-id-name = doit nommer les colonnes `identifiant` et `nom` (ou `id` et `name`)
roster-no-name = ne donne pas de nom pour `{ $id }`
roster-bad-email = donne `{ $email }` comme adresse électronique
roster-repeated = donne de nouveau l'identifiant `{ $id }` (déjà ligne { $first })
roster-same-but-case = donne `{ $id }`, qui ne diffère de `{ $other }` (ligne { $first }) que par la casse : leurs dossiers n'en feraient qu'un sur un système de fichiers qui ignore la casse
roster-same-on-server = donne `{ $id }`, qu'un serveur nomme comme `{ $other }` (ligne { $first }) : tous deux partageraient la base epreuve_{ $server }
roster-empty = ne contient aucun candidat
roster-no-id = ne donne pas d'identifiant
roster-id-too-long = donne un identifiant de plus de { $max } caractères
roster-bad-id = donne l'identifiant `{ $id }` : lettres, chiffres, `_`, `-` et `.` seulement (il nomme le dossier du candidat)
roster-bad-extra = donne `{ $text }` comme tiers temps : écrivez des minutes (`30`) ou une durée (`1h30m`)
err-solution = solution { $solution } : { $why }
err-public-only = { $grader } ne contient que les vérifications publiques (public_only = true) : la correction demande le catalogue complet du centre
err-evaluation-unreadable = le fichier de l'évaluateur { $path } ne peut pas être lu (--evaluation) : { $error }
err-evaluation-in-workspace = le fichier de l'évaluateur { $path } se trouve dans l'espace de travail du candidat, où le candidat peut écrire ; gardez les notes dans un dossier à vous et passez ce fichier avec --evaluation
action-create = créer
action-read = lire
action-write = écrire
action-copy = copier
action-write-the-log = écrire le journal
action-sync = synchroniser
action-open = ouvrir
action-open-the-folder = ouvrir le dossier
action-move = déplacer
action-lock = verrouiller
action-examine = examiner
action-resolve = résoudre
action-find-a-free-port = trouver un port libre
action-create-a-temporary-folder = créer un dossier temporaire
kind-a-file = un fichier
kind-a-folder = un dossier
kind-a-fifo-named-pipe = un FIFO (tube nommé)
kind-a-device = un périphérique
kind-a-socket = une socket
class-report-head = Épreuve { $exam } · { $graded } candidats corrigés sur { $candidates } · moyenne { $mean } · médiane { $median } (sur { $max })
class-report-spread = Répartition des notes
class-report-acquired = acquis
class-report-judged = jugés
class-report-share = part
class-report-failed = échecs
class-report-graded = corrigés
class-report-failure-rate = taux d'échec
class-report-failing = Vérifications qui échouent, les plus échouées d'abord
class-report-candidate = candidat
class-report-name = nom
class-report-criteria-acquired = critères acquis
class-report-notes = remarques
class-report-copies = Tables qui contiennent les données d'un autre (les données de chaque candidat viennent de sa propre graine)
class-report-similar = Requêtes enregistrées qui se ressemblent (une piste à examiner, pas un verdict)
class-report-similar-pair = { $file } : { $a } et { $b }, { $share }
class-result-changed = { $id } : results/{ $id }.json ne correspondait plus à son sceau (modifié depuis son écriture) : corrigé à nouveau
class-report-seal = collecté, sceau { $seal }
class-similar-skipped = { $candidate } : { $n } requêtes enregistrées au-delà des { $max } premières n'ont pas été comparées
class-similar-cut = { $candidate } : { $file } n'a été comparé que sur ses { $kib } premiers Kio
class-duration-overflow = la durée de l'épreuve ({ $duration }) et les { $extra } minutes de temps supplémentaire de { $candidate } dépassent ce qu'une durée peut contenir : donnez une --duration plus courte
err-down-no-record = le centre n'a aucun enregistrement de {$workspace} (dans {$centre}) : sur un serveur partagé, epreuve ne supprime que ce que son enregistrement dit avoir créé pour cet espace de travail, jamais ce que nomme le state.json de l'espace de travail (donnez à --centre le dossier du centre qui l'a démarré)
err-catalogue-in-workspace = { $catalogue } est dans l'espace de travail du candidat { $workspace }, où le candidat écrit : ce ne peut pas être le catalogue qui corrige (donnez à --catalogue un dossier du centre)
grade-catalogue = Corrigé avec le catalogue { $catalogue }
class-copied = la table { $table } de { $candidate } contient { $rows } de ses { $table_rows } lignes venant de { $source } de { $owner } : des lignes tirées pour { $owner } seul, du secret du centre, qui viennent donc des fichiers de { $owner } ; { $owner } en est la source, pas un suspect
class-copied-at-least = la table { $table } de { $candidate } contient au moins { $rows } de ses { $table_rows } lignes venant de { $source } de { $owner } : des lignes tirées pour { $owner } seul, du secret du centre, qui viennent donc des fichiers de { $owner } ; { $owner } en est la source, pas un suspect
class-copied-preview = la table { $table } de { $candidate } contient { $rows } de ses { $table_rows } lignes venant de l'aperçu { $source } du catalogue
class-copied-preview-at-least = la table { $table } de { $candidate } contient au moins { $rows } de ses { $table_rows } lignes venant de l'aperçu { $source } du catalogue
class-nothing-moved = Aucune note n'a bougé.

## Les pages HTML de la classe

html-class-title = Rapport de la classe : { $exam }
html-class-head = { $graded } candidats corrigés sur { $candidates } · moyenne { $mean } · médiane { $median } · sur { $max } points
html-band = de { $from } à { $to }
html-band-count = de { $from } à { $to } : { $n ->
    [one] { $n } candidat
   *[other] { $n } candidats
}
html-bands-caption = Candidats par tranche de notes
html-band-header = tranche de notes
html-candidates = candidats
html-spread-title = Répartition des notes, points sur { $max }
html-criteria-acquired = Critères acquis
html-share-of = { $share } ({ $acquired } sur { $judged })
html-criteria-caption = Part des candidats qui ont acquis chaque critère
html-checks-failing = Vérifications qui échouent le plus
html-what-it-checks = ce qu'elle vérifie
html-copies = Tables qui contiennent les données d'un autre
html-copies-why = Les données de chaque candidat viennent de sa propre graine : des lignes des données d'un autre candidat, ou de l'aperçu du catalogue, dans une table prouvent que les données ont été copiées.
html-rows-of = { $rows } sur { $of }
html-rows-at-least = au moins { $rows } sur { $of }
html-copies-caption = Lignes copiées, avec les premières lignes en preuve
html-table = table
html-data-of = données de
html-rows = lignes
html-first-rows = premières lignes
html-similar = Requêtes enregistrées qui se ressemblent
html-similar-why = Une piste à examiner, jamais un verdict : deux candidats qui écrivent la requête du manuel écrivent le même texte.
html-similar-caption = Paires de requêtes enregistrées, les plus semblables d'abord
html-file = fichier
html-similarity = ressemblance
html-candidates-heading = Candidats
html-candidates-caption = Tous les candidats, dans l'ordre de la liste
html-back = Rapport de la classe
html-copied-data = Données copiées
html-criteria = Critères
html-points-caption = Points par critère
html-verdicts-caption = Points et verdict par critère
html-checks = Vérifications
html-checks-caption = Toutes les vérifications, avec ce qu'elles ont trouvé

## db up / db down, pack, le modèle d'évaluation de l'examinateur

db-up-answers = La base de données répond.
db-down-embedded = Le fichier DuckDB intégré n'a pas de serveur à arrêter ; il reste dans l'espace de travail.
db-down-docker = Le conteneur et son volume ont été supprimés.
db-down-local = Le serveur local a été arrêté ; ses fichiers restent dans .epreuve/server/ (`epreuve db up` le redémarre).
db-down-url = La base et les rôles du candidat ont été supprimés du serveur.
pack-written = Catalogue côté candidat écrit dans { $out } ({ $exams }).
    Il contient les énoncés, les aperçus des données et les vérifications publiques :
pack-kept = gardé     { $entry }
pack-left-hidden-check = écarté    { $entry } (vérification cachée)
pack-left-hidden-query = écarté    { $entry } (ses valeurs attendues viennent d'une requête cachée)
pack-left-hidden-task = écarté    { $entry } (tâche cachée)
pack-left-manual = écarté    { $entry } (notée par l'examinateur)
pack-use = Sur la machine d'un candidat, `EPREUVE_CATALOGUE={ $out }` permet start, status, check et submit ; grade et demo demandent le catalogue complet.
evaluation-template-head = Notes des éléments qu'epreuve ne peut pas vérifier lui-même. Donnez à chacun un `score` (de 0
    au poids) et, si vous le souhaitez, un `comment` ; `epreuve grade` les fusionne dans le rapport.
manifest-here = ici
cli-missing = ces arguments sont obligatoires et manquent :{ $args }
cli-invalid-value = `{ $value }` n'est pas une valeur de { $arg } (valeurs possibles : { $possible })
cli-unknown-argument = argument inattendu `{ $arg }`
cli-unknown-command = commande inconnue `{ $command }`
cli-more = Pour en savoir plus, essayez `--help`.
cli-did-you-mean = {" "}(vouliez-vous dire `{ $what }` ?)
err-step-failed = impossible de { $action } : { $detail }
action-create-the-mariadb-system-tables-mariadb-install-db = créer les tables système de MariaDB (mariadb-install-db)
action-give-the-server-folder-to-the-postgres-user = donner le dossier du serveur à l'utilisateur postgres
action-create-the-postgresql-cluster-initdb = créer le cluster PostgreSQL (initdb)
action-start-the-postgresql-server-pg-ctl-start = démarrer le serveur PostgreSQL (pg_ctl start)
err-unknown-solution = l'épreuve { $exam } n'a pas de solution `{ $name }` (ses solutions : { $known })

## Les manifestes du catalogue : ce qui ne s'accorde pas dans exam.toml et grader.toml
exam-id-folder = le manifeste dit id = "{ $id }" mais se trouve dans le dossier `{ $folder }`
exam-no-duration = duration : une épreuve a besoin d'une durée
exam-no-engine = engines = [] : une épreuve se passe sur au moins un moteur (duckdb, postgres, mariadb, mongodb)
exam-dataset-name = dataset = "{ $dataset }" n'est pas un nom de dossier de datasets/
exam-table-file-name = la table `{ $table }` est chargée depuis `{ $file }`, qui n'est pas un nom de fichier du jeu de données
exam-table-file-missing = la table `{ $table }` est chargée depuis `{ $file }`, qui n'est pas dans { $dir }
exam-preload-missing = le schéma préchargé `{ $schema }` manque
exam-statement-missing = l'énoncé `{ $statement }` manque
exam-duration = `{ $text }` n'est pas une durée comme `2h` ou `90min` : { $error }
pack-not-empty = le dossier n'est pas vide ; préparez le paquet dans un nouveau dossier
generator-stores = [generator] stores = { $stores } : donnez entre 1 et 999 magasins
generator-sales = [generator] sales = { $sales } : donnez entre 1 et 50 000 000 lignes de ventes
generator-boundary-store = [generator.boundary] store = "{ $store }" : donnez le code d'un des { $stores } magasins générés (MAG001 à { $last }), et au moins 2 magasins
generator-boundary-amount = [generator.boundary] amount_cents = { $amount } : donnez un montant positif en centimes, sous le million d'euros
generator-boundary-sales = [generator.boundary] demande au moins 100 lignes de ventes parmi lesquelles placer ses ventes
grader-other-exam = corrige l'épreuve `{ $grader }`, pas `{ $exam }`
grader-no-sizing = juge les tailles mais n'a pas de table [sizing]
grader-no-head = juge les premières lignes mais n'a pas de table [head]
grader-twice = deux tâches ou éléments notés à la main s'appellent `{ $id }`
grader-rules-unknown-table = a des règles pour la table `{ $table }`, que l'épreuve ne demande pas
grader-task-table = la tâche `{ $task }` lit la table `{ $table }`, que l'épreuve n'a pas (elle a { $tables })
grader-runs = la tâche `{ $task }` chronomètre chaque requête { $runs } fois ; une médiane demande au moins 3 passages
grader-gain-engine = la requête `{ $query }` de la tâche `{ $task }` demande un gain sur `{ $engine }`, qui n'est pas un moteur ({ $engines })
grader-query-placeholder = la requête `{ $query }` de la tâche `{ $task }` ne nomme pas sa table { $placeholder }
grader-measurements-timing = la tâche `{ $task }` compare les mesures du candidat à la tâche de chronométrage `{ $timing }`, que le correcteur n'a pas
grader-weight-check = [checks.{ $check }] weight = { $value } : donnez un nombre de 0 à 1000
grader-weight-task = la tâche `{ $task }` : weight = { $value } : donnez un nombre de 0 à 1000
grader-weight-manual = l'élément noté à la main `{ $item }` : weight = { $value } : donnez un nombre de 0 à 1000
grader-plan-share = la tâche `{ $task }` : plan_share = { $value } : donnez une part de 0 à 1
grader-min-ratio = la requête `{ $query }` de la tâche `{ $task }` : min_ratio = { $value } : donnez un rapport au-dessus de 0
grid-share = l'indicateur `{ $indicator }` : { $name } = { $value } pour `{ $check }` : donnez une part de 0 à 1
grid-unknown-check = l'indicateur `{ $indicator }` nomme la vérification `{ $check }`, que le correcteur ne fait pas
grid-other-criterion = l'indicateur `{ $indicator }` relève de { $criterion }, mais la vérification `{ $check }` compte pour { $of }
grid-unknown-part = l'indicateur `{ $indicator }` nomme la partie `{ $part }` de `{ $check }`, qui juge { $parts }
grid-unknown-part-none = l'indicateur `{ $indicator }` nomme la partie `{ $part }` de `{ $check }`, qui ne juge pas de parties
grid-unknown-indicator = la grille nomme l'indicateur `{ $indicator }`, qui n'est pas un de ceux du référentiel ({ $known })
grid-twice = la grille a deux fois l'indicateur `{ $indicator }`
grid-criterion-not-evaluated = l'indicateur `{ $indicator }` relève de { $criterion }, que l'épreuve n'évalue pas
grid-no-check = l'indicateur `{ $indicator }` ne nomme aucune vérification
grid-check-uncovered = la vérification `{ $check }` compte pour { $criterion }, dont la grille n'a aucun indicateur qui la lit

## Obtenir une base : ce que faisait epreuve, et ce qui n'a pas marché
action-start-the-async-runtime = démarrer l'environnement d'exécution asynchrone
action-create-the-container = créer le conteneur
action-start-the-container = démarrer le conteneur
action-list-containers = lister les conteneurs
action-pack-the-build-context = empaqueter le contexte de construction
action-run-debootstrap = lancer debootstrap
action-pack-the-root-file-system = empaqueter le système de fichiers racine
action-read-dev-urandom = lire /dev/urandom
action-run-mariadbd-bootstrap = lancer mariadbd --bootstrap
action-write-to-mariadbd-bootstrap = écrire à mariadbd --bootstrap
action-create-the-server-s-log = créer le journal du serveur
action-record-the-server-s-process = enregistrer le processus du serveur
action-write-the-password-file = écrire le fichier de mot de passe
action-create-path = créer { $path }
action-start-path = démarrer { $path }
action-remove-container = supprimer le conteneur { $name }
action-inspect-container = examiner le conteneur { $name }
action-use-container = utiliser le conteneur { $name }
action-publish-port = publier le port de { $name }
action-start-container = démarrer le conteneur { $name }
action-import-image = importer { $image }
action-build-image = construire { $image }
what-server = serveur { $engine }
what-container = conteneur { $name }
what-debootstrap = programme debootstrap
what-tar-root = tar du système de fichiers racine
docker-no-answer = le démon n'a pas répondu en 5 s
image-hint-official = Sur une machine qui n'atteint aucun registre, construisez les images depuis les paquets de Debian avec `epreuve images build` et démarrez avec `--images local`
image-hint-local = Construisez-la avec `epreuve images build`
image-not-built = elle n'a pas été construite sur cette machine
image-pull-failed = la télécharger a échoué ({ $error })
image-none-local = Debian ne fournit pas { $engine }, donc `epreuve images build` n'en fait pas d'image : démarrez avec l'image officielle ({ $image }), ou avec --via local ou --via url
container-not-ours = il n'a pas été créé par epreuve pour cet espace de travail (ses étiquettes en nomment un autre) ; epreuve n'y touche pas
container-stopped =
    il s'est arrêté avec le code de sortie { $code } ; ses dernières lignes :
    { $log }
port-none-bound = aucun port de l'hôte n'a été attribué
debootstrap-failed = { $status } : { $error } (il demande root et le miroir de Debian { $mirror })
route-duckdb-embedded = DuckDB est embarqué : il n'a pas besoin de serveur, donc `--via { $route }` ne s'applique pas ; omettez --via
route-server-needs-via = { $engine } est un serveur : choisissez --via docker, --via local ou --via url
url-needs-url = --via url demande --url postgres://utilisateur:motdepasse@hote:5432/postgres (ou mysql://…), le compte du centre
url-other-engine = l'URL est celle d'un serveur { $url } mais --engine vaut { $engine }
url-drop-needs-account = supprimer une base sur le serveur du centre demande le compte du centre : passez --url (ou EPREUVE_DB_URL)
url-other-server = la base de l'espace de travail est sur { $host }:{ $port }, pas sur le serveur de --url
url-not-ours = `{ $database }` n'est pas une base créée par epreuve
postgres-cannot-reach = PostgreSQL tourne sous l'utilisateur `postgres`, qui ne peut pas atteindre { $dir } ; rendez les dossiers parents de l'espace de travail traversables (chmod o+x) ou démarrez sous un autre utilisateur
mariadb-passwords-failed = la pose des mots de passe a échoué : { $error }
server-exited =
    { $status } ; la fin de son journal :
    { $log }
server-no-answer-yet = pas encore de réponse sur le port
mongod-not-there = mongodb-org (EPREUVE_MONGOD nomme un programme absent)
url-not-a-url = `{ $url }` n'est pas une URL comme postgres://utilisateur:motdepasse@hote:5432/base
url-mongodb-srv = `mongodb+srv://` désigne un cluster par le DNS, qu'epreuve ne consulte pas ; donnez un serveur comme mongodb://utilisateur:motdepasse@hote:27017/
url-unknown-scheme = `{ $scheme }://` n'est pas un serveur qu'epreuve connaît ; utilisez postgres://, mysql:// ou mongodb://
url-no-user = `{ $url }` ne donne pas d'utilisateur (utilisateur:motdepasse@hote)
url-bad-port = `{ $port }` n'est pas un numéro de port dans `{ $url }`
url-no-host = `{ $url }` demande un utilisateur et un hôte

## La base n'a pas répondu comme elle le devait
db-not-sql-server = { $engine } n'est pas un serveur SQL
db-not-a-server = { $engine } n'est pas un serveur
db-internal-late = pas de réponse en { $seconds } s (la requête a été annulée)
db-no-count = aucun compte renvoyé
db-no-answer = pas de réponse en { $seconds } s
db-server-stopped = le serveur ne répond plus : pas de réponse en { $seconds } s, et une nouvelle connexion pour annuler la requête a échoué
mongo-json-deep = le JSON est imbriqué sur plus de { $levels } niveaux
mongo-not-json = le fichier n'est pas du JSON : { $error }
mongo-not-extended-json = le fichier n'est pas de l'Extended JSON : { $error }
mongo-command-not-document = une commande n'est pas un document : { $value }
mongo-not-a-command = ce n'est pas une commande : { $value }
mongo-no-winning-plan = l'explain du serveur ne contient pas de plan retenu
mongo-host-unknown = l'hôte `{ $host }` est introuvable : { $error }
mongo-host-no-address = l'hôte `{ $host }` n'a pas d'adresse
mongo-no-server = aucun serveur ne répond ({ $error })
freeze-line-long = la ligne { $line } dépasse 64 Mio
freeze-line-bad = ligne { $line } : { $error }
freeze-line-not-document = la ligne { $line } n'est pas un document
freeze-line-neither = la ligne { $line } n'est ni une collection ni un document

## Une requête MongoDB enregistrée par le candidat qu'epreuve ne lance pas
mongo-query-no-object = le fichier ne contient pas d'objet JSON : écrivez-en un { $example } qui nomme find ou aggregate
mongo-query-field = `{ $key }` n'est pas un champ qu'epreuve lit ici (il lit { $fields })
mongo-query-pipeline-list = `pipeline` n'est pas une liste d'étapes
mongo-query-no-pipeline = un aggregate nomme son `pipeline`
mongo-query-stage = chaque étape de `pipeline` est un objet, comme { $example }
mongo-query-none = l'objet ne nomme aucune requête : écrivez "find", "aggregate", "listDatabases" ou "listCollections"
mongo-query-deep = la requête est imbriquée sur plus de { $levels } niveaux
mongo-query-writes = `{ $key }` écrit dans la base ou lance du code sur le serveur ; une requête enregistrée ne fait que lire
mongo-query-javascript = la requête contient du code JavaScript, qu'epreuve ne lance jamais
mongo-query-collection = `{ $key }` nomme une collection, sous forme de texte
mongo-query-object = `{ $key }` est un objet, comme { $example }
mongo-query-whole = `{ $key }` est un nombre entier
mongo-query-not-negative = `{ $key }` est un nombre entier, 0 ou plus
db-query-outside = la requête sort de la base (fichiers, réseau, réglages ou extensions), ce que la correction n'autorise pas : { $error }
db-internal-stopped = pas de réponse en { $seconds } s (la requête a été arrêtée)

## Un fichier de données qui ne se lit pas
data-the-file = le fichier
data-sheet = la feuille `{ $sheet }`
data-csv-not-utf8 = le fichier n'est pas du texte UTF-8 (enregistrez-le de nouveau en CSV UTF-8)
data-csv-fields = cette ligne a { $fields } champs là où l'en-tête en a { $header }
data-xlsx-damaged = il est abîmé d'une façon que le lecteur de classeurs n'a pas su traiter
data-xlsx-no-sheet = il n'a aucune feuille
data-xlsx-sheet = feuille `{ $sheet }` : { $why }
data-xlsx-password = il est protégé par un mot de passe (enregistrez-en une copie sans mot de passe)
data-xlsx-invalid = ce n'est pas un fichier xlsx valide (abîmé ou d'un autre format : { $error })
data-sheet-bytes = la feuille { $sheet } se décompresse en { $bytes } octets, plus que les { $limit } qu'epreuve lit
data-sheet-more-bytes = la feuille { $sheet } se décompresse en plus que les { $limit } octets qu'epreuve lit
data-sheet-cell-out = la feuille { $sheet } a une cellule en `{ $cell }`, au-delà de la dernière ligne et de la dernière colonne qu'un classeur peut avoir (XFD1048576)
data-sheet-area = la feuille { $sheet } s'étend sur { $rows } lignes et { $columns } colonnes ({ $area } cellules, vides pour la plupart) : une cellule est loin des autres ; ramenez-la ou supprimez-la
data-json-document = le document
data-json-no-key = { $at } n'a pas de clé `{ $key }`
data-json-not-array = `{ $at }` devrait être une liste d'objets
data-json-not-object = { $at } devrait être un objet mais est { $kind }
json-null = null
json-boolean = un booléen
json-number = un nombre
json-string = un texte
json-array = une liste
json-object = un objet

## Le fichier d'évaluation de l'évaluateur
evaluation-not-a-file = n'est pas un fichier écrit par l'évaluateur (il n'existe pas, ou c'est un dossier ou un périphérique)
evaluation-too-large = dépasse { $bytes } octets ; il devrait contenir une note par élément noté à la main
evaluation-unreadable = ne peut pas être lu : { $error }
evaluation-unknown-item = note un élément `{ $item }` que l'épreuve n'a pas (ses éléments : { $items })
evaluation-score-range = `{ $item }` est noté { $score }, hors de 0 à { $weight }

## Une solution livrée qui ne convient pas à son épreuve
solution-step-failed = { $what } : { $error }
solution-no-answers = son dossier de réponses { $folder } n'existe pas
solution-base-no-answers = prend ses réponses de `{ $base }`, qui n'a pas de dossier de réponses
solution-unknown-timing = mesure la tâche de chronométrage `{ $timing }`, que le correcteur n'a pas
solution-header-separator = l'en-tête de ses mesures `{ $header }` n'a pas de séparateur
doing-load-table = chargement de `{ $table }`
doing-run-file = exécution de { $file }
doing-timing = chronométrage de { $query } sur `{ $table }`

## Une base d'un serveur sauvegardée dans un rendu, ou restaurée depuis lui
dump-no-server = DuckDB n'a pas de serveur à sauvegarder
dump-mongodb-driver = MongoDB est figé par le pilote
dump-own-program = { $engine } est sauvegardé par son propre programme
restore-no-server = aucun serveur local où la restaurer : { $error }
restore-duckdb = DuckDB n'a pas de serveur où restaurer
restore-own-program = { $engine } est restauré par son propre programme
restore-mongodb-driver = MongoDB est restauré par le pilote
program-cannot-run = { $program } n'a pas pu être lancé : { $error }
program-failed = { $program } a échoué ({ $status }) : { $error }
program-too-long = { $program } n'a pas fini en { $seconds } s
program-error = { $program } : { $error }

## Comment avance un long démarrage
progress-generating = génération des données : { $done } lignes de ventes sur { $all }
progress-generated = { $lines } lignes de ventes générées en { $seconds } s ({ $rate } lignes/s)
progress-loading = chargement de `{ $table }` : { $done } lignes sur { $all }
progress-loaded = { $lines } lignes chargées dans `{ $table }` en { $seconds } s

## Un candidat d'une classe qui n'a pas pu être corrigé
class-grade-panicked = epreuve a échoué sur ce candidat ({ $panic }) ; les autres ont été corrigés
class-not-graded-yet = pas encore corrigé : `epreuve class grade` corrige la classe
class-result-unsealed = { $file } ne correspond plus au sceau écrit à côté (modifié à la main, ou écrit par un epreuve plus ancien) : `epreuve class grade` le corrige de nouveau
gradebook-unanswered = non évaluable : la base n'a pas répondu à toutes les vérifications ; `epreuve class grade` les lui redemande
gradebook-not-gradable = non évaluable : { $why }
handout-exists = { $folder } existe déjà : distribuez dans un nouveau dossier
status-waiting = en attente de l'évaluateur
live-check-no-answer = la vérification s'est arrêtée sans réponse
cli-lang-unknown = epreuve parle fr et en (`{ $text }` n'en fait pas partie)
log-checks-missing = { $missing } vérifications publiques pas encore satisfaites
demo-no-exam = le catalogue ne contient aucune épreuve
kind-not-a-plain-file = pas un simple fichier
fs-not-utf8 = { $path } : ce n'est pas du texte UTF-8 (enregistrez-le en UTF-8)
sql-needs-insert = des instructions INSERT
sql-needs-table = une table de colonnes
sql-needs-drop-column = la suppression d'une colonne
mongo-no-server-within = aucun serveur ne répond en { $seconds } s
mongo-authentication = l'authentification a échoué : { $error }
mongo-command-failed = { $command } : { $error }
owner-preview = l'aperçu du catalogue
follow-no-workspace = pas d'espace de travail
