# Подписи отчёта для донора.

report-indicator = Показатель
report-unit = Единица
report-dimension = Разбивка
report-category = Категория
report-value = Значение
report-target = Цель
report-percent = % от цели
report-erased-left-out = Удалены, не учтены
report-erased-note = { $n ->
    [one] { $n } человек, попросивший забыть его, не учтён: фильтры этого показателя спрашивают, кто человек, а о нём ничего не хранится.
    [few] { $n } человека, попросивших забыть их, не учтены: фильтры этого показателя спрашивают, кто человек, а о них ничего не хранится.
   *[other] { $n } человек, попросивших забыть их, не учтены: фильтры этого показателя спрашивают, кто человек, а о них ничего не хранится.
}
report-total = Всего
report-period = Период
report-reference-date = Возраст на
report-sheet-summary = Сводка
report-sheet-stamp = Рассчитано по
report-sheet-sessions = Занятия
report-dim-age-band = Возрастная группа
report-dim-gender = Пол
report-dim-target-group = Целевая группа
report-dim-municipality = Самоуправление
report-dim-language = Язык
report-dim-branch = Отделение
report-dim-activity = Деятельность
report-dim-registration = Регистрация
report-dim-disability = Инвалидность
report-value-yes = да
report-value-no = нет
report-value-unknown = неизвестно
report-unit-persons = разных людей
report-unit-attendances = посещений
report-unit-sessions = занятий
report-unit-groups = групп
report-unit-head-count = участников
report-unit-volunteers = волонтёров
report-page = Страница { $page } из { $pages }
report-stamp-heads = Рассчитано по документам: { $documents }; отпечаток состояния { $digest } (в отчётах JSON и XLSX перечислены головы каждого документа).
report-subject-access = Всё, что хранится об одной семье (запрос субъекта данных)
