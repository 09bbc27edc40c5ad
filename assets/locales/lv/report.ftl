# Ziņojuma finansētājam uzraksti.

report-indicator = Rādītājs
report-unit = Mērvienība
report-dimension = Sadalījums
report-category = Kategorija
report-value = Vērtība
report-target = Mērķis
report-percent = % no mērķa
report-total = Kopā
report-period = Periods
report-reference-date = Vecums uz
report-sheet-summary = Kopsavilkums
report-sheet-stamp = Aprēķināts no
report-dim-age-band = Vecuma grupa
report-dim-gender = Dzimums
report-dim-target-group = Mērķa grupa
report-dim-municipality = Pašvaldība
report-dim-language = Valoda
report-dim-branch = Nodaļa
report-dim-activity = Aktivitāte
report-dim-registration = Reģistrācija
report-unit-persons = dažādas personas
report-unit-attendances = apmeklējumi
report-unit-sessions = nodarbības
report-unit-groups = grupas
report-unit-head-count = dalībnieku skaits
report-unit-volunteers = brīvprātīgie
