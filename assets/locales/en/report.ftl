# Donor report labels.

report-indicator = Indicator
report-unit = Unit
report-dimension = Breakdown
report-category = Category
report-value = Value
report-target = Target
report-percent = % of target
report-erased-left-out = Erased, not counted
report-erased-note = { $n ->
    [one] { $n } person who asked to be forgotten is not counted: this figure's filters ask who a person is, and nothing about them is kept.
   *[other] { $n } persons who asked to be forgotten are not counted: this figure's filters ask who a person is, and nothing about them is kept.
}
report-total = Total
report-period = Period
report-reference-date = Ages at
report-sheet-summary = Summary
report-sheet-stamp = Computed from
report-sheet-sessions = Sessions
report-dim-age-band = Age band
report-dim-gender = Gender
report-dim-target-group = Target group
report-dim-municipality = Municipality
report-dim-language = Language
report-dim-branch = Branch
report-dim-activity = Activity
report-dim-registration = Registration
report-dim-disability = Disability
report-value-yes = yes
report-value-no = no
report-value-unknown = not known
report-unit-persons = distinct persons
report-unit-attendances = attendances
report-unit-sessions = sessions
report-unit-groups = groups
report-unit-head-count = head count
report-unit-volunteers = volunteers
report-page = Page { $page } of { $pages }
report-stamp-heads = Computed from { $documents } documents; state fingerprint { $digest } (the JSON and XLSX reports list every document's heads).
report-subject-access = Everything held about one family (data subject access)
