# kopa komandrindas ziņojumi.

cli-error = Kļūda
cli-passphrase-prompt = Parole reģistram { $path }:
cli-passphrase-new = Jaunā parole reģistram { $path }:
cli-passphrase-repeat = Atkārto paroli:
cli-passphrase-mismatch = Paroles nesakrīt. Nekas netika izveidots.
cli-other-passphrase-prompt = Otra reģistra { $path } parole:
cli-created = Izveidots nodaļas { $branch } reģistrs: { $path }.
cli-families-count = { $count ->
    [zero] { $count } ģimeņu
    [one] { $count } ģimene
   *[other] { $count } ģimenes
}
cli-persons-count = { $count ->
    [zero] { $count } personu
    [one] { $count } persona
   *[other] { $count } personas
}
cli-no-results = Nekas nav atrasts.
cli-unchanged = Nekas nemainījās.
cli-conflicts-none = Konfliktu nav.
cli-conflict-changed-on-two-devices = { $field } mainīts divās ierīcēs:
cli-conflict-candidate = { $n }) { $value } — { $person }, { $device }, { $at }
cli-conflict-hint = Izvēlies vienu: kopa conflicts resolve { $id } --pick N
cli-merged = Apvienots: { $added } jauni un { $updated } atjaunināti dokumenti, { $changes } izmaiņas; atrisināmi konflikti: { $conflicts }.
cli-projection-rebuilt = Projekcija pārbūvēta no { $docs } dokumentiem.
cli-projection-verified = Projekcija sakrīt ar pārbūvi no dokumentiem.
cli-projection-differs = Projekcija atšķiras no pārbūves tabulās: { $tables }
cli-demo-done = Demonstrācijas nodaļa { $branch }: ģimenes { $families }, personas { $persons }, grupas { $groups }, nodarbības { $sessions }.
cli-enrolled = { $count ->
    [zero] Pierakstīts { $count } personu.
    [one] Pierakstīta { $count } persona.
   *[other] Pierakstītas { $count } personas.
}
cli-marked = Mainītas apmeklējuma atzīmes: { $count }.
cli-history-empty = Šim ierakstam izmaiņu nav.
cli-members = Ģimenes locekļi
cli-consent = Piekrišana
cli-consent-none = piekrišana nav reģistrēta
cli-notes = Piezīmes
cli-follow-ups = Turpmākie darbi
cli-attendance = Apmeklējums
cli-sessions = Nodarbības
cli-facilitators = Vadītāji
cli-trainings = apmācības
cli-hours = stundas
cli-guests = viesi
cli-attended = apmeklēja
cli-sync-exported = Sinhronizācijas datne ierakstīta ierīcēm { $devices }: dokumenti ar izmaiņām: { $docs }, izmaiņas: { $changes }, baiti: { $bytes }.
cli-sync-imported = Importēts no { $from }: izmaiņas: { $changes }; atrisināmi konflikti: { $conflicts }.
cli-sync-already-imported = Šī datne no { $from } jau tika importēta; nekas nav jādara.
cli-sync-unsent = vēl nenosūtītas izmaiņas: { $count }
cli-sync-acknowledged = apstiprināti dokumenti: { $count }
cli-sync-waiting-doc = { $document }: izmaiņas ({ $changes }) gaida agrākas izmaiņas, kas vēl nav saņemtas: { $missing }
cli-sync-waiting = Saņemtās izmaiņas ({ $changes }) ir saglabātas, bet gaida agrākas izmaiņas, kuras šī replika vēl nav saņēmusi. Palūdziet { $from } pilnu sinhronizācijas datni (kopa sync export --full) vai sinhronizējiet ar centru; tās tiks piemērotas, tiklīdz agrākās izmaiņas pienāks.
cli-import-preview = Rindas: { $rows }, derīgas: { $valid }, ģimenes: { $families }.
cli-import-row = { $row }. rinda
cli-import-duplicate = { $row }. rinda, iespējams, jau reģistrēta: { $name } ({ $id })
cli-import-done = Importētas ģimenes: { $families }.
cli-import-dry-run = Tikai pārbaudīts; nekas netika importēts.
cli-import-refused = Nekas netika importēts: izlabojiet rindas augstāk vai izmantojiet --skip-bad-rows, lai importētu tikai derīgās.
cli-hub-created = Centrs izveidots mapē { $path }. Nodaļas to sasniegs adresē { $address }; sertifikāta nospiedums ir { $fingerprint }.
cli-hub-listening = Centrs klausās adresē { $address }. Apturiet ar Ctrl-C.
cli-hub-port-differs = Uzaicinājumi norāda uz { $address }, bet centrs klausās { $listen }: nodaļas to nesasniegs. Norādiet --listen ar to pašu portu vai izveidojiet centru ar šo adresi.
cli-hub-enrolled = Uzaicinājums nodaļai { $branch } ierakstīts failā { $path }. Nododiet to personīgi vai USB zibatmiņā: tajā ir noslēpums.
cli-hub-revoked = { $count ->
    [zero] Atsaukti { $count } akreditācijas dati.
    [one] Atsaukti { $count } akreditācijas dati. No nākamā pieprasījuma tie vairs nesinhronizē.
   *[other] Atsaukti { $count } akreditācijas dati. No nākamā pieprasījuma tie vairs nesinhronizē.
}
cli-hub-credentials = { $count ->
    [zero] { $count } aktīvu akreditāciju
    [one] { $count } aktīva akreditācija
   *[other] { $count } aktīvas akreditācijas
}
cli-joined = Šī replika tagad pieder nodaļai { $branch } ({ $path }).
cli-join-sync-later = Replika darbojas bezsaistē; palaidiet "kopa sync", kad centrs būs sasniedzams.
cli-sync-connecting = Savienojas ar centru…
cli-sync-progress = { $round }. kārta: saņemtas { $changes } izmaiņas, { $bytes } baiti
cli-sync-done = Sinhronizēts ar centru: saņemtas { $changes } izmaiņas, nosūtīti { $sent } baiti, saņemti { $received } baiti; jāatrisina konflikti: { $conflicts }.
cli-sync-incomplete = Sinhronizēts ar centru: saņemtas { $changes } izmaiņas; daļa atsauces datu šo repliku sasniedza agrāk nekā centru un centru sasniegs no centrālā biroja. Jāatrisina konflikti: { $conflicts }.
cli-import-attendance-preview = { $rows } rindas, { $valid } derīgas; { $dates } nodarbību datumi ({ $existing } jau ierakstīti), { $attendances } apmeklējumi.
cli-import-attendance-done = Apmeklējums ierakstīts { $sessions } nodarbībās.
cli-import-volunteers-preview = { $rows } rindas, { $valid } derīgas; jauni brīvprātīgie: { $volunteers }, jaunas apmācības: { $trainings }.
cli-import-volunteers-done = Importēti brīvprātīgie un apmācības: { $records }.
cli-recovery-prompt = Atjaunošanas kods:
cli-recovery-code = Atjaunošanas kods: { $code }
    Pierakstiet to uz papīra un glabājiet slēgtā vietā. Ar to var atvērt šo reģistru, ja neviens neatceras paroli; tas vairs netiks parādīts.
cli-person-passphrase = Parole personai { $name }:
cli-person-removed = noņemts
cli-person-unlocks-here = var atvērt šo datoru
