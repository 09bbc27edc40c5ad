# Сообщения командной строки kopa.

cli-error = Ошибка
cli-passphrase-prompt = Пароль реестра { $path }:
cli-passphrase-new = Новый пароль реестра { $path }:
cli-passphrase-repeat = Повторите пароль:
cli-passphrase-mismatch = Пароли не совпадают. Ничего не создано.
cli-other-passphrase-prompt = Пароль другого реестра { $path }:
cli-created = Создан реестр отделения { $branch }: { $path }.
cli-families-count = { $count ->
    [one] { $count } семья
    [few] { $count } семьи
   *[other] { $count } семей
}
cli-persons-count = { $count ->
    [one] { $count } человек
    [few] { $count } человека
   *[other] { $count } человек
}
cli-no-results = Ничего не найдено.
cli-unchanged = Ничего не изменилось.
cli-conflicts-none = Конфликтов нет.
cli-conflict-changed-on-two-devices = { $field } изменено на двух устройствах:
cli-conflict-candidate = { $n }) { $value } — { $person }, { $device }, { $at }
cli-conflict-hint = Выберите одно: kopa conflicts resolve { $id } --pick N
cli-merged = Объединено: новых документов { $added }, обновлённых { $updated }, изменений { $changes }; конфликтов к решению: { $conflicts }.
cli-projection-rebuilt = Проекция перестроена из документов: { $docs }.
cli-projection-verified = Проекция совпадает с перестройкой из документов.
cli-projection-differs = Проекция отличается от перестройки в таблицах: { $tables }
cli-demo-done = Демо-отделение { $branch }: семей { $families }, людей { $persons }, групп { $groups }, занятий { $sessions }.
cli-enrolled = Записано в группу: { $count }.
cli-marked = Изменено отметок посещения: { $count }.
cli-history-empty = Для этой записи изменений нет.
cli-members = Члены семьи
cli-consent = Согласие
cli-consent-none = согласие не записано
cli-notes = Заметки
cli-follow-ups = Дальнейшие действия
cli-attendance = Посещения
cli-sessions = Занятия
cli-facilitators = Ведущие
cli-trainings = обучений
cli-hours = часов
cli-guests = гостей
cli-attended = присутствовали
cli-sync-exported = Файл синхронизации записан для устройств { $devices }: документов с изменениями { $docs }, изменений { $changes }, байт { $bytes }.
cli-sync-imported = Импортировано от { $from }: изменений { $changes }; конфликтов к решению: { $conflicts }.
cli-sync-already-imported = Этот файл от { $from } уже был импортирован; делать нечего.
cli-sync-unsent = ещё не отправлено изменений: { $count }
cli-sync-acknowledged = подтверждено документов: { $count }
cli-sync-waiting-doc = { $document }: изменения ({ $changes }) ждут более ранних изменений, ещё не полученных: { $missing }
cli-sync-waiting = Полученные изменения ({ $changes }) сохранены, но ждут более ранних изменений, которых эта реплика ещё не получила. Попросите { $from } прислать полный файл синхронизации (kopa sync export --full) или синхронизируйтесь с центром; они применятся, как только придут более ранние изменения.
cli-import-preview = Строк: { $rows }, верных: { $valid }, семей: { $families }.
cli-import-row = строка { $row }
cli-import-duplicate = строка { $row }, возможно, уже зарегистрирована: { $name } ({ $id })
cli-import-done = Импортировано семей: { $families }.
cli-import-dry-run = Только проверка; ничего не импортировано.
cli-import-refused = Ничего не импортировано: исправьте строки выше или используйте --skip-bad-rows, чтобы импортировать только верные.
cli-hub-created = Центр создан в { $path }. Отделения будут подключаться по адресу { $address }; отпечаток сертификата: { $fingerprint }.
cli-hub-listening = Центр слушает по адресу { $address }. Остановить: Ctrl-C.
cli-hub-port-differs = Приглашения указывают на { $address }, а центр слушает { $listen }: отделения до него не дойдут. Укажите в --listen тот же порт или создайте центр с этим адресом.
cli-hub-enrolled = Приглашение для { $branch } записано в { $path }. Передайте его лично или на USB-накопителе: в нём секрет.
cli-hub-revoked = { $count ->
    [one] Отозвано { $count } удостоверение. Со следующего запроса оно больше не синхронизируется.
    [few] Отозвано { $count } удостоверения. Со следующего запроса они больше не синхронизируются.
   *[other] Отозвано { $count } удостоверений. Со следующего запроса они больше не синхронизируются.
}
cli-hub-credentials = { $count ->
    [one] { $count } активное удостоверение
    [few] { $count } активных удостоверения
   *[other] { $count } активных удостоверений
}
cli-joined = Эта реплика теперь принадлежит отделению { $branch } ({ $path }).
cli-join-sync-later = Реплика работает офлайн; запустите "kopa sync", когда центр будет доступен.
cli-sync-connecting = Подключение к центру…
cli-sync-progress = Раунд { $round }: получено изменений { $changes }, { $bytes } байт
cli-sync-done = Синхронизировано с центром: получено изменений { $changes }, отправлено { $sent } байт, получено { $received } байт; конфликтов к разрешению: { $conflicts }.
cli-sync-incomplete = Синхронизировано с центром: получено изменений { $changes }; часть справочных данных пришла в эту реплику раньше, чем в центр, и придёт туда из штаб-квартиры. Конфликтов к разрешению: { $conflicts }.
cli-import-attendance-preview = Строк: { $rows }, верных: { $valid }; дат занятий: { $dates } (уже записано: { $existing }), посещений: { $attendances }.
cli-import-attendance-done = Посещаемость записана для занятий: { $sessions }.
cli-import-volunteers-preview = Строк: { $rows }, верных: { $valid }; новых волонтёров: { $volunteers }, новых обучений: { $trainings }.
cli-import-volunteers-done = Импортировано волонтёров и обучений: { $records }.
cli-recovery-prompt = Код восстановления:
cli-recovery-code = Код восстановления: { $code }
    Запишите его на бумаге и храните под замком. Он открывает этот реестр, если никто не помнит пароль; больше он не будет показан.
cli-person-passphrase = Пароль для { $name }:
cli-person-removed = удалён
cli-person-unlocks-here = может открыть этот компьютер
