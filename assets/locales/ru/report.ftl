# Подписи отчёта для донора.

report-indicator = Показатель
report-unit = Единица
report-dimension = Разбивка
report-category = Категория
report-value = Значение
report-target = Цель
report-percent = % от цели
report-total = Всего
report-period = Период
report-reference-date = Возраст на
report-sheet-summary = Сводка
report-sheet-stamp = Рассчитано по
report-dim-age-band = Возрастная группа
report-dim-gender = Пол
report-dim-target-group = Целевая группа
report-dim-municipality = Самоуправление
report-dim-language = Язык
report-dim-branch = Отделение
report-dim-activity = Деятельность
report-dim-registration = Регистрация
report-unit-persons = разных людей
report-unit-attendances = посещений
report-unit-sessions = занятий
report-unit-groups = групп
report-unit-head-count = участников
report-unit-volunteers = волонтёров
