# The desktop app's own words. Errors, fields and codes come from errors.ftl and codes.ftl.

ui-loading = Loading…
ui-load-failed = This could not be loaded.
ui-retry = Try again
ui-error-unexpected = Something went wrong: { $detail }
error-passphrase-mismatch = The two passphrases are not the same.
error-locked = The replica is locked; unlock it with its passphrase.
ui-lang-lv = Latviešu
ui-lang-ru = Русский
ui-lang-en = English
ui-language = Language
ui-welcome = Welcome to Kopā
ui-welcome-lead = Kopā keeps your branch's families, groups and sessions on this computer, encrypted, and works without internet.
ui-create-branch = Start a new branch
ui-branch-name = Branch name
ui-your-name = Your name
ui-passphrase-again = Passphrase again
ui-passphrase-hint = Choose a passphrase you will remember: without it nobody, not even HQ, can open this data.
ui-create = Create the branch
ui-join-title = Join with an invite from HQ
ui-join-lead = HQ gives you an invite file on a USB stick. Type your name and a new passphrase, then choose the file.
ui-join-choose = Choose the invite file…
ui-demo-title = Try the demo branch
ui-demo-lead = A made-up branch with families, groups and a year of sessions, to look around safely.
ui-demo-open = Open the demo branch
ui-demo-banner = This is the demo branch: made-up people, nothing is sent anywhere.
ui-demo-leave = Leave the demo
ui-unlock-title = Unlock Kopā
ui-unlock = Unlock
ui-nav-label = Main sections
ui-nav-today = Today
ui-nav-families = Families
ui-nav-groups = Groups
ui-nav-dashboard = Dashboard
ui-nav-sync = Sync
ui-nav-conflicts = Conflicts
ui-nav-settings = Settings
ui-signed-in-as = Working as { $user }
ui-today-title = Today, { $date }
ui-today-none = No group meets today. You can still record a session of any group below.
ui-today-other = Other groups
ui-record-session = Record a session
ui-record-title = Session of { $group }
ui-who-came = { $count ->
    [one] Who came ({ $count } ticked)
   *[other] Who came ({ $count } ticked)
}
ui-no-members = Nobody is enrolled yet: add a new family below and tick them.
ui-guests = Guests who are not registered
ui-save-session = Save the session
ui-saved = Saved.
ui-add-new-family-inline = Add a new family (the ticks stay)
ui-add-and-tick = Add and tick
ui-cancel = Cancel
ui-back = Back
ui-add-family = Add a family
ui-search-label = Find a family or a person
ui-search-placeholder = Name, in Latvian or Russian letters
ui-search-none = Nobody found for “{ $query }”.
ui-families-count = { $count ->
    [one] { $count } family
   *[other] { $count } families
}
ui-members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
ui-sessions-count = { $count ->
    [one] { $count } session
   *[other] { $count } sessions
}
ui-closed = closed
ui-no-consent = not recorded
ui-registered = Registered
ui-members = Members
ui-attendance = Attendance
ui-no-attendance = No attendance yet.
ui-notes = Notes
ui-new-note = New note
ui-add-note = Add the note
ui-follow-ups = Follow-ups
ui-family-name = Family name
ui-add-member = Add a member
ui-save-family = Save the family
ui-add-group = Add a group
ui-no-groups = No groups yet.
ui-sessions = Sessions
ui-save-group = Save the group
ui-dashboard-title = Dashboard { $year }
ui-stat-families = families
ui-stat-persons = persons
ui-stat-sessions = sessions
ui-stat-attendances = attendances
ui-indicators = Donor indicators
ui-no-indicators = No project is running this year.
ui-attendance-by-month = Attendances per month
ui-persons-by-target-group = Persons reached by target group
ui-no-conflicts = No conflicts: every field has one value.
ui-set-by = set by { $person } on { $device }, { $when }
ui-keep-this = Keep this value
ui-hub = Sync with HQ over the internet
ui-no-hub = This replica is not connected to a hub. Use sync files below, or join with an invite from HQ.
ui-sync-now = Sync now
ui-hub-synced = Synced: { $changes } changes received; conflicts to resolve: { $conflicts }.
ui-sync-offline-hint = No connection? Nothing is lost. Try again later, or send a sync file on a USB stick.
ui-sync-files = Sync files (USB stick or e-mail)
ui-sync-files-lead = A sync file carries what the other side has not received yet, encrypted to it.
ui-send-to = Send to
ui-export-file = Write a sync file…
ui-import-file = Read a sync file…
ui-add-peer = Add a peer from its card…
ui-peer-added = { $name } can now exchange sync files with this replica.
ui-exported = Written: { $docs } documents with changes, to { $path }.
ui-peers = Who this replica syncs with
ui-no-peers = Nobody yet.
ui-peer = Peer
ui-device = Device
ui-last-sent = Last sent
ui-last-heard = Last heard from
ui-unsent = Changes not yet sent
ui-who-uses = Who is using this computer
ui-save = Save
ui-backup = Backup
ui-backup-lead = An encrypted copy of everything, with this replica's passphrase. Keep it on a USB stick in a safe place.
ui-backup-now = Make a backup…
ui-backup-done = Backup written to { $path }.
ui-this-replica = This replica
ui-lock = Lock
ui-nav-volunteers = Volunteers
ui-no-volunteers = No volunteers registered yet.
ui-add-volunteer = Add a volunteer
ui-role-volunteer = volunteer
ui-role-staff = staff
ui-role-lead = branch lead
ui-trainings = Trainings
ui-no-trainings = No trainings yet.
ui-record-training = Record the training
ui-hours = { $hours } h
ui-edit = Edit
ui-edit-family = Edit the family
ui-restore = Restore
ui-restore-lead = Replace this replica's data with a backup of the same branch. The backup is checked first; a wrong or damaged file changes nothing.
ui-restore-now = Restore from a backup…
ui-restore-done = Restored from the backup.
ui-backup-auto = Automatic backups
ui-backup-auto-lead = Kopā makes a backup when it opens and while it runs, once the hours above have passed since the last one, and deletes the oldest beyond the number kept. 0 hours turns automatic backups off.
ui-backup-last = Last backup: { $when } ({ $count } kept).
ui-backup-none = No backup yet.
ui-backup-in = Folder: { $dir }
ui-backup-next = next: { $when }
ui-backup-failed = The last automatic backup failed:
ui-backup-default-dir = The app's own folder
ui-backup-choose-dir = Choose a folder…
ui-erase = Erase
ui-erasure = Right to be forgotten
ui-erasure-lead = When a family or one of its members asks to be forgotten: their personal data goes from this computer and, as it syncs, from every other one, history included. Attendance stays as anonymous counts, so reports stay right. This cannot be undone.
ui-erase-family = Erase this family…
ui-erase-family-confirm = Erase the family { $name } and everything recorded about it, on every computer? This cannot be undone.
ui-erase-person-confirm = Erase { $name } from this family, on every computer? The other members stay. This cannot be undone.
ui-erase-for-good = Erase for good
ui-retention = Retention period
ui-retention-lead = Closed families with no activity for this many years are listed here for erasure. Open one to erase it.
ui-retention-due = { $count ->
    [0] No family is past the retention period.
    [one] { $count } closed family is past the retention period:
   *[other] { $count } closed families are past the retention period:
}
ui-person-name = Name
