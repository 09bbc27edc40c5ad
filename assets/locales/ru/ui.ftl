# Слова настольного приложения.

ui-loading = Загрузка…
ui-load-failed = Не удалось загрузить.
ui-retry = Повторить
ui-error-unexpected = Что-то пошло не так: { $detail }
error-passphrase-mismatch = Пароли не совпадают.
error-locked = Реплика заблокирована; разблокируйте её паролем.
ui-lang-lv = Latviešu
ui-lang-ru = Русский
ui-lang-en = English
ui-language = Язык
ui-welcome = Добро пожаловать в Kopā
ui-welcome-lead = Kopā хранит семьи, группы и занятия вашего отделения на этом компьютере, в зашифрованном виде, и работает без интернета.
ui-create-branch = Начать новое отделение
ui-branch-name = Название отделения
ui-your-name = Ваше имя
ui-passphrase-again = Пароль ещё раз
ui-passphrase-hint = Выберите пароль, который вы запомните. Без него или кода восстановления, который будет показан следом, никто, даже штаб-квартира, не откроет эти данные.
ui-create = Создать отделение
ui-join-title = Подключиться по приглашению штаб-квартиры
ui-join-lead = Штаб-квартира даёт вам файл приглашения на USB-накопителе. Введите своё имя и новый пароль, затем выберите файл.
ui-join-choose = Выбрать файл приглашения…
ui-demo-title = Попробовать демо-отделение
ui-demo-lead = Выдуманное отделение с семьями, группами и занятиями за год, чтобы спокойно осмотреться.
ui-demo-open = Открыть демо-отделение
ui-demo-banner = Это демо-отделение: выдуманные люди, ничего никуда не отправляется.
ui-demo-leave = Выйти из демо
ui-unlock-title = Разблокировать Kopā
ui-unlock = Разблокировать
ui-nav-label = Основные разделы
ui-nav-today = Сегодня
ui-nav-families = Семьи
ui-nav-groups = Группы
ui-nav-dashboard = Обзор
ui-nav-sync = Синхронизация
ui-nav-conflicts = Конфликты
ui-nav-settings = Настройки
ui-signed-in-as = Работает: { $user }
ui-today-title = Сегодня, { $date }
ui-today-none = Сегодня ни одна группа не собирается. Вы всё равно можете записать занятие любой группы ниже.
ui-today-other = Другие группы
ui-record-session = Записать занятие
ui-record-title = Занятие: { $group }
ui-who-came = { $count ->
    [one] Кто пришёл (отмечен { $count })
    [few] Кто пришёл (отмечено { $count })
   *[other] Кто пришёл (отмечено { $count })
}
ui-no-members = Пока никто не записан: добавьте новую семью ниже и отметьте.
ui-guests = Незарегистрированные гости
ui-save-session = Сохранить занятие
ui-saved = Сохранено.
ui-add-new-family-inline = Добавить новую семью (отметки сохранятся)
ui-add-and-tick = Добавить и отметить
ui-cancel = Отмена
ui-back = Назад
ui-add-family = Добавить семью
ui-search-label = Найти семью или человека
ui-search-placeholder = Имя латиницей или кириллицей
ui-search-none = По запросу «{ $query }» никто не найден.
ui-families-count = { $count ->
    [one] { $count } семья
    [few] { $count } семьи
   *[other] { $count } семей
}
ui-members-count = { $count ->
    [one] { $count } член семьи
    [few] { $count } члена семьи
   *[other] { $count } членов семьи
}
ui-sessions-count = { $count ->
    [one] { $count } занятие
    [few] { $count } занятия
   *[other] { $count } занятий
}
ui-closed = закрыта
ui-no-consent = не записано
ui-registered = Зарегистрирована
ui-members = Члены семьи
ui-attendance = Посещения
ui-no-attendance = Посещений пока нет.
ui-notes = Заметки
ui-new-note = Новая заметка
ui-add-note = Добавить заметку
ui-follow-ups = Дальнейшие действия
ui-family-name = Фамилия семьи
ui-add-member = Добавить члена семьи
ui-save-family = Сохранить семью
ui-add-group = Добавить группу
ui-no-groups = Групп пока нет.
ui-sessions = Занятия
ui-save-group = Сохранить группу
ui-dashboard-title = Обзор { $year }
ui-stat-families = семьи
ui-stat-persons = люди
ui-stat-sessions = занятия
ui-stat-attendances = посещения
ui-indicators = Показатели для доноров
ui-no-indicators = В этом году проектов нет.
ui-attendance-by-month = Посещения по месяцам
ui-persons-by-target-group = Охваченные люди по целевым группам
ui-no-conflicts = Конфликтов нет: у каждого поля одно значение.
ui-set-by = установил(а) { $person } на { $device }, { $when }
ui-keep-this = Оставить это значение
ui-hub = Синхронизация со штаб-квартирой через интернет
ui-no-hub = Эта реплика не подключена к центру. Используйте файлы синхронизации ниже или подключитесь по приглашению штаб-квартиры.
ui-sync-now = Синхронизировать
ui-hub-synced = Синхронизировано: получено изменений { $changes }; конфликтов к разрешению: { $conflicts }.
ui-sync-offline-hint = Нет связи? Ничего не потеряно. Попробуйте позже или отправьте файл синхронизации на USB-накопителе.
ui-sync-files = Файлы синхронизации (USB-накопитель или e-mail)
ui-sync-files-lead = В файле синхронизации то, что другая сторона ещё не получила, зашифрованное для неё.
ui-send-to = Кому
ui-export-file = Записать файл синхронизации…
ui-import-file = Прочитать файл синхронизации…
ui-add-peer = Добавить партнёра по его карточке…
ui-peer-added = { $name } теперь может обмениваться файлами синхронизации с этой репликой.
ui-exported = Записано: документов с изменениями { $docs }, в { $path }.
ui-peers = С кем синхронизируется эта реплика
ui-no-peers = Пока ни с кем.
ui-peer = Партнёр
ui-device = Устройство
ui-last-sent = Последняя отправка
ui-last-heard = Последнее получение
ui-unsent = Ещё не отправленные изменения
ui-save = Сохранить
ui-backup = Резервная копия
ui-backup-lead = Зашифрованная копия всего, с паролем этой реплики. Храните её на USB-накопителе в надёжном месте.
ui-backup-now = Сделать резервную копию…
ui-backup-done = Резервная копия записана в { $path }.
ui-this-replica = Эта реплика
ui-lock = Заблокировать
ui-nav-volunteers = Волонтёры
ui-no-volunteers = Волонтёров пока нет.
ui-add-volunteer = Добавить волонтёра
ui-role-volunteer = волонтёр
ui-role-staff = сотрудник
ui-role-lead = руководитель отделения
ui-trainings = Обучение
ui-no-trainings = Обучений пока нет.
ui-record-training = Записать обучение
ui-hours = { $hours } ч
ui-edit = Изменить
ui-edit-family = Изменить семью
ui-restore = Восстановление
ui-restore-lead = Заменить данные этой реплики резервной копией того же отделения. Копия сначала проверяется; неверный или повреждённый файл ничего не меняет.
ui-restore-now = Восстановить из резервной копии…
ui-restore-done = Восстановлено из резервной копии.
ui-backup-auto = Автоматические резервные копии
ui-backup-auto-lead = Kopā делает резервную копию при открытии и во время работы, если с последней прошло указанное выше число часов, и удаляет самые старые сверх хранимого числа. 0 часов отключает автоматические копии.
ui-backup-last = Последняя резервная копия: { $when } (хранится { $count ->
    [one] { $count } копия
    [few] { $count } копии
   *[other] { $count } копий
}).
ui-backup-none = Резервных копий пока нет.
ui-backup-in = Папка: { $dir }
ui-backup-next = следующая: { $when }
ui-backup-failed = Последняя автоматическая резервная копия не удалась:
ui-backup-default-dir = Папка приложения
ui-backup-choose-dir = Выбрать папку…
ui-erase = Удалить
ui-erasure = Право на забвение
ui-erasure-lead = Если семья или один из её членов просит их забыть: их персональные данные удаляются с этого компьютера и, при синхронизации, со всех остальных, включая историю. Посещения остаются анонимными числами, чтобы отчёты оставались верными. Это нельзя отменить.
ui-erase-family = Удалить эту семью…
ui-erase-family-confirm = Удалить семью { $name } и всё, что о ней записано, на всех компьютерах? Это нельзя отменить.
ui-erase-person-confirm = Удалить { $name } из этой семьи на всех компьютерах? Остальные члены семьи остаются. Это нельзя отменить.
ui-erase-for-good = Удалить навсегда
ui-retention = Срок хранения
ui-retention-lead = Закрытые семьи без активности столько лет перечислены здесь для удаления. Откройте семью, чтобы удалить её.
ui-retention-due = { $count ->
    [0] Ни у одной семьи срок хранения не истёк.
    [one] У { $count } закрытой семьи истёк срок хранения:
    [few] У { $count } закрытых семей истёк срок хранения:
   *[other] У { $count } закрытых семей истёк срок хранения:
}
ui-person-name = Имя и фамилия
ui-continue = Продолжить
ui-people = Люди на этом компьютере
ui-people-lead = Каждый открывает Kopā своим паролем. Волонтёр регистрирует семьи и записывает занятия; руководитель отделения также ведёт группы и волонтёров, удаляет, выдаёт данные, синхронизирует, восстанавливает и добавляет людей.
ui-person-me = вы
ui-person-role = Роль
ui-person-removed = удалён(а)
ui-person-unlocks-here = может открыть этот компьютер
ui-person-not-here = на этом компьютере ещё нет пароля
ui-person-reset = Сбросить пароль
ui-person-give-passphrase = Дать пароль здесь
ui-person-remove = Удалить
ui-person-removed-done = { $name } больше не может открыть Kopā.
ui-person-new-passphrase = Новый пароль для { $name }
ui-person-add = Добавить человека
ui-person-added = { $name } теперь может открыть Kopā на этом компьютере.
ui-recovery = Код восстановления
ui-recovery-lead = Открывает данные этого компьютера, если никто не помнит пароль. Новый код отменяет старый.
ui-recovery-new = Создать новый код восстановления
ui-recovery-write-down = Запишите этот код восстановления на бумаге и храните под замком. Он открывает данные отделения, если никто не помнит пароль, и показывается только сейчас.
ui-created-recovery-title = Отделение готово: сохраните код восстановления
ui-audit = Журнал важных действий
ui-audit-lead = Кто удалял, выдавал данные, восстанавливал или менял пользователей, и когда. Записи указаны только идентификаторами, никогда личными данными.
ui-audit-none = Пока ничего не записано.
ui-unlock-who = Кто вы?
ui-unlock-anyone = (по паролю)
ui-unlocking = Открываю…
ui-unlock-recovery = Забыли пароль? Используйте код восстановления
ui-recovery-code = Код восстановления
ui-unlock-with-code = Открыть кодом
ui-idle-lock = Блокировать после стольких минут без действий
ui-idle-lock-lead = Kopā блокируется сама, если ею так долго никто не пользовался, и когда компьютер просыпается.
ui-locked-idle = Kopā заблокировалась после перерыва в работе.
ui-version = Kopā { $version }
ui-data-folder = данные в папке { $dir }
ui-session-exists = У этой группы в этот день занятие уже записано. Ничего не сохранено дважды.
ui-session-open-recorded = Открыть записанное занятие
ui-session-record-another = Это была вторая встреча: записать и её
