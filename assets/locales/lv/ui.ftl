# Darbvirsmas lietotnes vārdi.

ui-loading = Ielādē…
ui-load-failed = To neizdevās ielādēt.
ui-retry = Mēģināt vēlreiz
ui-error-unexpected = Kaut kas nogāja greizi: { $detail }
error-passphrase-mismatch = Abas paroles nesakrīt.
error-locked = Replika ir aizslēgta; atslēdziet to ar paroli.
ui-lang-lv = Latviešu
ui-lang-ru = Русский
ui-lang-en = English
ui-language = Valoda
ui-welcome = Laipni lūdzam Kopā
ui-welcome-lead = Kopā glabā jūsu nodaļas ģimenes, grupas un nodarbības šajā datorā, šifrētas, un darbojas bez interneta.
ui-create-branch = Sākt jaunu nodaļu
ui-branch-name = Nodaļas nosaukums
ui-your-name = Jūsu vārds
ui-passphrase-again = Parole vēlreiz
ui-passphrase-hint = Izvēlieties paroli, ko atcerēsieties. Bez tās vai atjaunošanas koda, ko redzēsiet pēc tam, neviens, pat centrālais birojs, šos datus nevar atvērt.
ui-create = Izveidot nodaļu
ui-join-title = Pievienoties ar centrālā biroja uzaicinājumu
ui-join-lead = Centrālais birojs jums iedod uzaicinājuma failu USB zibatmiņā. Ierakstiet savu vārdu un jaunu paroli, tad izvēlieties failu.
ui-join-choose = Izvēlēties uzaicinājuma failu…
ui-demo-title = Izmēģināt demonstrācijas nodaļu
ui-demo-lead = Izdomāta nodaļa ar ģimenēm, grupām un gada nodarbībām, lai droši apskatītos.
ui-demo-open = Atvērt demonstrācijas nodaļu
ui-demo-banner = Šī ir demonstrācijas nodaļa: izdomāti cilvēki, nekas netiek nekur sūtīts.
ui-demo-leave = Iziet no demonstrācijas
ui-unlock-title = Atslēgt Kopā
ui-unlock = Atslēgt
ui-nav-label = Galvenās sadaļas
ui-nav-today = Šodien
ui-nav-families = Ģimenes
ui-nav-groups = Grupas
ui-nav-dashboard = Pārskats
ui-nav-sync = Sinhronizācija
ui-nav-conflicts = Konflikti
ui-nav-settings = Iestatījumi
ui-signed-in-as = Strādā: { $user }
ui-today-title = Šodien, { $date }
ui-today-none = Šodien neviena grupa nesanāk. Jūs joprojām varat ierakstīt jebkuras grupas nodarbību zemāk.
ui-today-other = Citas grupas
ui-record-session = Ierakstīt nodarbību
ui-record-title = Nodarbība: { $group }
ui-who-came = { $count ->
    [zero] Kas atnāca ({ $count } atzīmēti)
    [one] Kas atnāca ({ $count } atzīmēts)
   *[other] Kas atnāca ({ $count } atzīmēti)
}
ui-no-members = Vēl neviens nav pierakstīts: pievienojiet jaunu ģimeni zemāk un atzīmējiet.
ui-guests = Nereģistrēti viesi
ui-save-session = Saglabāt nodarbību
ui-saved = Saglabāts.
ui-add-new-family-inline = Pievienot jaunu ģimeni (atzīmes paliek)
ui-add-and-tick = Pievienot un atzīmēt
ui-cancel = Atcelt
ui-back = Atpakaļ
ui-add-family = Pievienot ģimeni
ui-search-label = Atrast ģimeni vai personu
ui-search-placeholder = Vārds latīņu vai kirilicas burtiem
ui-search-none = Neviens nav atrasts pēc “{ $query }”.
ui-families-count = { $count ->
    [zero] { $count } ģimeņu
    [one] { $count } ģimene
   *[other] { $count } ģimenes
}
ui-members-count = { $count ->
    [zero] { $count } locekļu
    [one] { $count } loceklis
   *[other] { $count } locekļi
}
ui-sessions-count = { $count ->
    [zero] { $count } nodarbību
    [one] { $count } nodarbība
   *[other] { $count } nodarbības
}
ui-closed = slēgta
ui-no-consent = nav reģistrēta
ui-registered = Reģistrēta
ui-members = Locekļi
ui-attendance = Apmeklējums
ui-no-attendance = Vēl nav apmeklējumu.
ui-notes = Piezīmes
ui-new-note = Jauna piezīme
ui-add-note = Pievienot piezīmi
ui-follow-ups = Turpmākās darbības
ui-family-name = Ģimenes nosaukums
ui-add-member = Pievienot locekli
ui-save-family = Saglabāt ģimeni
ui-add-group = Pievienot grupu
ui-no-groups = Vēl nav grupu.
ui-sessions = Nodarbības
ui-save-group = Saglabāt grupu
ui-dashboard-title = Pārskats { $year }
ui-stat-families = ģimenes
ui-stat-persons = personas
ui-stat-sessions = nodarbības
ui-stat-attendances = apmeklējumi
ui-indicators = Ziedotāju rādītāji
ui-no-indicators = Šogad nav neviena projekta.
ui-attendance-by-month = Apmeklējumi pa mēnešiem
ui-persons-by-target-group = Sasniegtās personas pa mērķa grupām
ui-no-conflicts = Konfliktu nav: katram laukam ir viena vērtība.
ui-set-by = iestatīja { $person } datorā { $device }, { $when }
ui-keep-this = Paturēt šo vērtību
ui-hub = Sinhronizēt ar centrālo biroju internetā
ui-no-hub = Šī replika nav savienota ar centru. Izmantojiet sinhronizācijas failus zemāk vai pievienojieties ar centrālā biroja uzaicinājumu.
ui-sync-now = Sinhronizēt tagad
ui-hub-synced = Sinhronizēts: saņemtas { $changes } izmaiņas; jāatrisina konflikti: { $conflicts }.
ui-sync-offline-hint = Nav savienojuma? Nekas nav zaudēts. Mēģiniet vēlāk vai nosūtiet sinhronizācijas failu USB zibatmiņā.
ui-sync-files = Sinhronizācijas faili (USB zibatmiņa vai e-pasts)
ui-sync-files-lead = Sinhronizācijas failā ir tas, ko otra puse vēl nav saņēmusi, šifrēts tai.
ui-send-to = Sūtīt
ui-export-file = Ierakstīt sinhronizācijas failu…
ui-import-file = Nolasīt sinhronizācijas failu…
ui-add-peer = Pievienot partneri no tā kartes…
ui-peer-added = { $name } tagad var apmainīties ar sinhronizācijas failiem ar šo repliku.
ui-exported = Ierakstīts: { $docs } dokumenti ar izmaiņām, failā { $path }.
ui-peers = Ar ko šī replika sinhronizējas
ui-no-peers = Vēl ne ar vienu.
ui-peer = Partneris
ui-device = Ierīce
ui-last-sent = Pēdējoreiz nosūtīts
ui-last-heard = Pēdējoreiz saņemts
ui-unsent = Vēl nenosūtītās izmaiņas
ui-save = Saglabāt
ui-backup = Rezerves kopija
ui-backup-lead = Šifrēta visa kopija ar šīs replikas paroli. Glabājiet to USB zibatmiņā drošā vietā.
ui-backup-now = Izveidot rezerves kopiju…
ui-backup-done = Rezerves kopija ierakstīta failā { $path }.
ui-this-replica = Šī replika
ui-lock = Aizslēgt
ui-nav-volunteers = Brīvprātīgie
ui-no-volunteers = Vēl nav reģistrētu brīvprātīgo.
ui-add-volunteer = Pievienot brīvprātīgo
ui-role-volunteer = brīvprātīgais
ui-role-staff = darbinieks
ui-role-lead = nodaļas vadītājs
ui-trainings = Apmācības
ui-no-trainings = Vēl nav apmācību.
ui-record-training = Ierakstīt apmācību
ui-hours = { $hours } st.
ui-edit = Labot
ui-edit-family = Labot ģimeni
ui-restore = Atjaunošana
ui-restore-lead = Aizstāt šīs replikas datus ar tās pašas nodaļas rezerves kopiju. Kopija vispirms tiek pārbaudīta; nepareizs vai bojāts fails neko nemaina.
ui-restore-now = Atjaunot no rezerves kopijas…
ui-restore-done = Atjaunots no rezerves kopijas.
ui-backup-auto = Automātiskās rezerves kopijas
ui-backup-auto-lead = Kopā izveido rezerves kopiju, kad tiek atvērta un kamēr darbojas, ja kopš pēdējās ir pagājis augstāk norādītais stundu skaits, un izdzēš vecākās, kas pārsniedz glabājamo skaitu. 0 stundas izslēdz automātiskās kopijas.
ui-backup-last = Pēdējā rezerves kopija: { $when } (glabātas { $count ->
    [zero] { $count } kopiju
    [one] { $count } kopija
   *[other] { $count } kopijas
}).
ui-backup-none = Rezerves kopijas vēl nav.
ui-backup-in = Mape: { $dir }
ui-backup-next = nākamā: { $when }
ui-backup-failed = Pēdējā automātiskā rezerves kopija neizdevās:
ui-backup-default-dir = Lietotnes mape
ui-backup-choose-dir = Izvēlēties mapi…
ui-erase = Dzēst
ui-erasure = Tiesības tikt aizmirstam
ui-erasure-lead = Ja ģimene vai kāds tās loceklis lūdz viņu aizmirst: viņu personas dati tiek dzēsti no šī datora un, sinhronizējot, no visiem pārējiem, ieskaitot vēsturi. Apmeklējums paliek kā anonīms skaits, lai pārskati paliktu pareizi. To nevar atsaukt.
ui-erase-family = Dzēst šo ģimeni…
ui-erase-family-confirm = Dzēst ģimeni { $name } un visu par to reģistrēto visos datoros? To nevar atsaukt.
ui-erase-person-confirm = Dzēst { $name } no šīs ģimenes visos datoros? Pārējie locekļi paliek. To nevar atsaukt.
ui-erase-for-good = Dzēst neatgriezeniski
ui-retention = Glabāšanas termiņš
ui-retention-lead = Slēgtās ģimenes, kurās tik gadus nav bijis nekādu aktivitāšu, šeit tiek uzskaitītas dzēšanai. Atveriet ģimeni, lai to dzēstu.
ui-retention-due = { $count ->
    [0] Nevienai ģimenei glabāšanas termiņš nav beidzies.
    [zero] { $count } slēgtām ģimenēm glabāšanas termiņš ir beidzies:
    [one] { $count } slēgtai ģimenei glabāšanas termiņš ir beidzies:
   *[other] { $count } slēgtām ģimenēm glabāšanas termiņš ir beidzies:
}
ui-person-name = Vārds, uzvārds
ui-continue = Turpināt
ui-people = Cilvēki šajā datorā
ui-people-lead = Katrs atver Kopā ar savu paroli. Brīvprātīgais reģistrē ģimenes un ieraksta nodarbības; nodaļas vadītājs arī pārvalda grupas un brīvprātīgos, dzēš, izsniedz datus, sinhronizē, atjauno un pievieno cilvēkus.
ui-person-me = jūs
ui-person-role = Loma
ui-person-removed = noņemts
ui-person-unlocks-here = var atvērt šo datoru
ui-person-not-here = šajā datorā vēl nav paroles
ui-person-reset = Atiestatīt paroli
ui-person-give-passphrase = Piešķirt paroli šeit
ui-person-remove = Noņemt
ui-person-removed-done = { $name } vairs nevar atvērt Kopā.
ui-person-new-passphrase = Jaunā parole personai { $name }
ui-person-add = Pievienot cilvēku
ui-person-added = { $name } tagad var atvērt Kopā šajā datorā.
ui-recovery = Atjaunošanas kods
ui-recovery-lead = Atver šī datora datus, ja neviens neatceras paroli. Jauns kods padara veco nederīgu.
ui-recovery-new = Izveidot jaunu atjaunošanas kodu
ui-recovery-write-down = Pierakstiet šo atjaunošanas kodu uz papīra un glabājiet slēgtā vietā. Ar to var atvērt nodaļas datus, ja neviens neatceras paroli, un tas tiek parādīts tikai tagad.
ui-created-recovery-title = Nodaļa ir gatava: saglabājiet tās atjaunošanas kodu
ui-audit = Jutīgo darbību žurnāls
ui-audit-lead = Kas dzēsa, izsniedza datus, atjaunoja vai mainīja lietotājus, un kad. Ieraksti norādīti tikai ar identifikatoriem, nekad ar personas datiem.
ui-audit-none = Vēl nekas nav reģistrēts.
ui-unlock-who = Kas jūs esat?
ui-unlock-anyone = (pēc paroles)
ui-unlocking = Atver…
ui-unlock-recovery = Aizmirsāt paroli? Izmantojiet atjaunošanas kodu
ui-recovery-code = Atjaunošanas kods
ui-unlock-with-code = Atvērt ar kodu
ui-idle-lock = Aizslēgt pēc tik minūtēm bez darbības
ui-idle-lock-lead = Kopā aizslēdzas pati, ja to tik ilgi neviens nav lietojis, un kad dators pamostas no miega.
ui-locked-idle = Kopā aizslēdzās pēc ilgāka laika bez darbības.
ui-version = Kopā { $version }
ui-data-folder = dati mapē { $dir }
ui-session-exists = Šai grupai šajā datumā nodarbība jau ir ierakstīta. Nekas netika saglabāts divreiz.
ui-session-open-recorded = Atvērt ierakstīto nodarbību
ui-session-record-another = Tā bija otra tikšanās: ierakstīt arī to
