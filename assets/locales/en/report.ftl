# Donor report labels.

report-indicator = Indicator
report-unit = Unit
report-dimension = Breakdown
report-category = Category
report-value = Value
report-target = Target
report-percent = % of target
report-total = Total
report-period = Period
report-reference-date = Ages at
report-sheet-summary = Summary
report-sheet-stamp = Computed from
report-dim-age-band = Age band
report-dim-gender = Gender
report-dim-target-group = Target group
report-dim-municipality = Municipality
report-dim-language = Language
report-dim-branch = Branch
report-dim-activity = Activity
report-dim-registration = Registration
report-unit-persons = distinct persons
report-unit-attendances = attendances
report-unit-sessions = sessions
report-unit-groups = groups
report-unit-head-count = head count
report-unit-volunteers = volunteers
