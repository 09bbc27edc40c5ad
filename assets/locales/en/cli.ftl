# Messages of the kopa command line.

cli-error = Error
cli-passphrase-prompt = Passphrase for { $path }:
cli-passphrase-new = New passphrase for { $path }:
cli-passphrase-repeat = Repeat the passphrase:
cli-passphrase-mismatch = The two passphrases differ. Nothing was created.
cli-other-passphrase-prompt = Passphrase of the other replica { $path }:
cli-created = Created the replica of branch { $branch } at { $path }.
cli-families-count = { $count ->
    [one] { $count } family
   *[other] { $count } families
}
cli-persons-count = { $count ->
    [one] { $count } person
   *[other] { $count } persons
}
cli-no-results = Nothing found.
cli-unchanged = Nothing changed.
cli-conflicts-none = No conflicts.
cli-conflict-changed-on-two-devices = { $field } was changed on two devices:
cli-conflict-candidate = { $n }) { $value } — { $person }, { $device }, { $at }
cli-conflict-hint = Pick one with: kopa conflicts resolve { $id } --pick N
cli-merged = Merged: { $added } new and { $updated } updated documents, { $changes } changes; { $conflicts } conflicts to resolve.
cli-projection-rebuilt = Projection rebuilt from { $docs } documents.
cli-projection-verified = The projection equals a rebuild from the documents.
cli-projection-differs = The projection differs from a rebuild in: { $tables }
cli-demo-done = Demo branch { $branch }: { $families } families, { $persons } persons, { $groups } groups, { $sessions } sessions.
cli-enrolled = { $count ->
    [one] { $count } person enrolled.
   *[other] { $count } persons enrolled.
}
cli-marked = Attendance marks changed: { $count }.
cli-history-empty = No changes recorded for this record.
cli-members = Members
cli-consent = Consent
cli-consent-none = no consent recorded
cli-notes = Notes
cli-follow-ups = Follow-ups
cli-attendance = Attendance
cli-sessions = Sessions
cli-facilitators = Facilitators
cli-trainings = trainings
cli-hours = hours
cli-guests = guests
cli-attended = attended
cli-sync-exported = Sync file written for { $devices }: { $docs } documents with { $changes } changes, { $bytes } bytes.
cli-sync-imported = Imported from { $from }: { $changes } changes; conflicts to resolve: { $conflicts }.
cli-sync-already-imported = This file from { $from } was imported before; nothing to do.
cli-sync-unsent = { $count } changes not yet sent
cli-sync-acknowledged = { $count } documents acknowledged
cli-sync-waiting-doc = { $document }: { $changes } changes wait for { $missing } earlier changes not received yet
cli-sync-waiting = { $changes } changes were received and kept but wait for earlier changes this replica has not received. Ask { $from } for a full sync file (kopa sync export --full) or sync with the hub; they apply as soon as the earlier changes arrive.
cli-import-preview = { $rows } rows, { $valid } valid, { $families } families.
cli-import-row = row { $row }
cli-import-duplicate = row { $row } may already be registered: { $name } ({ $id })
cli-import-done = Imported { $families } families.
cli-import-dry-run = Checked only (dry run); nothing was imported.
cli-import-refused = Nothing was imported: correct the rows above, or use --skip-bad-rows to import only the valid ones.
cli-hub-created = Hub created in { $path }. Branches will reach it at { $address }; its certificate fingerprint is { $fingerprint }.
cli-hub-listening = Hub listening on { $address }. Stop it with Ctrl-C.
cli-hub-port-differs = Invites point at { $address }, but the hub listens on { $listen }: branches will not reach it. Give --listen the same port, or create the hub with that address.
cli-hub-enrolled = Invite for { $branch } written to { $path }. Hand it over in person or on a USB stick: it holds a secret.
cli-hub-revoked = { $count ->
    [one] Revoked { $count } credential. It no longer syncs from its next request.
   *[other] Revoked { $count } credentials. They no longer sync from their next request.
}
cli-hub-credentials = { $count ->
    [one] { $count } active credential
   *[other] { $count } active credentials
}
cli-joined = This replica now belongs to { $branch } ({ $path }).
cli-join-sync-later = The replica works offline; run "kopa sync" when the hub can be reached.
cli-sync-connecting = Connecting to the hub…
cli-sync-progress = Round { $round }: { $changes } changes received, { $bytes } bytes
cli-sync-done = Synced with the hub: { $changes } changes received, { $sent } bytes sent, { $received } bytes received; conflicts to resolve: { $conflicts }.
cli-sync-incomplete = Synced with the hub: { $changes } changes received; some reference data reached this replica before the hub and will reach it from HQ. Conflicts to resolve: { $conflicts }.
cli-import-attendance-preview = { $rows } rows, { $valid } valid; { $dates } session dates ({ $existing } already recorded), { $attendances } attendances.
cli-import-attendance-done = Recorded attendance in { $sessions } sessions.
cli-import-volunteers-preview = { $rows } rows, { $valid } valid; { $volunteers } new volunteers, { $trainings } new trainings.
cli-import-volunteers-done = Imported { $records } volunteers and trainings.
cli-recovery-prompt = Recovery code:
cli-recovery-code = Recovery code: { $code }
    Write it on paper and keep it locked away. It opens this replica when nobody remembers a passphrase; it is not shown again.
cli-person-passphrase = Passphrase for { $name }:
cli-person-removed = removed
cli-person-unlocks-here = unlocks this laptop
