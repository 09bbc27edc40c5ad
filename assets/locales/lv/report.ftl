# Ziņojuma finansētājam uzraksti.

report-indicator = Rādītājs
report-unit = Mērvienība
report-dimension = Sadalījums
report-category = Kategorija
report-value = Vērtība
report-target = Mērķis
report-percent = % no mērķa
report-erased-left-out = Dzēsti, nav ieskaitīti
report-erased-note = { $n ->
    [zero] { $n } personas, kas lūgušas tās aizmirst, nav ieskaitītas: šī rādītāja filtri jautā, kas ir persona, bet par tām nekas netiek glabāts.
    [one] { $n } persona, kas lūgusi to aizmirst, nav ieskaitīta: šī rādītāja filtri jautā, kas ir persona, bet par to nekas netiek glabāts.
   *[other] { $n } personas, kas lūgušas tās aizmirst, nav ieskaitītas: šī rādītāja filtri jautā, kas ir persona, bet par tām nekas netiek glabāts.
}
report-total = Kopā
report-period = Periods
report-reference-date = Vecums uz
report-sheet-summary = Kopsavilkums
report-sheet-stamp = Aprēķināts no
report-sheet-sessions = Nodarbības
report-dim-age-band = Vecuma grupa
report-dim-gender = Dzimums
report-dim-target-group = Mērķa grupa
report-dim-municipality = Pašvaldība
report-dim-language = Valoda
report-dim-branch = Nodaļa
report-dim-activity = Aktivitāte
report-dim-registration = Reģistrācija
report-dim-disability = Invaliditāte
report-value-yes = jā
report-value-no = nē
report-value-unknown = nav zināms
report-unit-persons = dažādas personas
report-unit-attendances = apmeklējumi
report-unit-sessions = nodarbības
report-unit-groups = grupas
report-unit-head-count = dalībnieku skaits
report-unit-volunteers = brīvprātīgie
report-page = { $page }. lappuse no { $pages }
report-stamp-heads = Aprēķināts no { $documents } dokumentiem; stāvokļa nospiedums { $digest } (JSON un XLSX pārskatos ir katra dokumenta galvas).
report-subject-access = Viss, kas glabāts par vienu ģimeni (datu subjekta piekļuve)
