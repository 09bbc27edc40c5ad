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
cli-sync-exported = Файл синхронизации записан: документов с изменениями { $docs }, байт { $bytes }.
cli-sync-imported = Импортировано от { $from }: изменений { $changes }; конфликтов к решению: { $conflicts }.
cli-sync-already-imported = Этот файл от { $from } уже был импортирован; делать нечего.
cli-sync-unsent = ещё не отправлено изменений: { $count }
cli-import-preview = Строк: { $rows }, верных: { $valid }, семей: { $families }.
cli-import-row = строка { $row }
cli-import-duplicate = строка { $row }, возможно, уже зарегистрирована: { $name } ({ $id })
cli-import-done = Импортировано семей: { $families }.
cli-import-dry-run = Только проверка; ничего не импортировано.
cli-import-refused = Ничего не импортировано: исправьте строки выше или используйте --skip-bad-rows, чтобы импортировать только верные.
