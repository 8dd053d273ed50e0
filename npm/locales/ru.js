// Russian for totpkit/elements (`import 'totpkit/elements/locales/ru'`): importing this module
// is all a page does; elements whose language is ru (their `lang`, an ancestor's or the
// document's) then speak it. Menu names are the systems' own Russian ones. Durations are in
// the accusative, as «на 1 минуту», «через 21 секунду» need.
import { locale } from '../elements/base.js';

export default locale('ru', (plural, unit, list, s = (n) => plural(n, { other: '# с' })) => {
  // Intl's units are nominative; «на …» and «через …» take the accusative, which differs only
  // in the feminine singular: 1 минута → на 1 минуту, 21 секунда → через 21 секунду.
  const duration = (n, u) => unit(n, u).replace(/(ут|нд)а$/, '$1у');
  const digits = (n) => plural(n, { one: '# цифра', few: '# цифры', many: '# цифр', other: '# цифры' });
  return {
    dir: 'ltr',
    qrLabel: (issuer, account) => `QR-код: добавить ${issuer ? `${issuer} (${account})` : account} в аутентификатор`,
    issuer: 'Сервис',
    account: 'Аккаунт',
    openApp: 'Открыть в аутентификаторе',
    trouble: 'Не сканируется?',
    manual: 'Выберите в приложении «Ввести ключ настройки» и введите ключ.',
    copyKey: 'Скопировать ключ',
    copied: 'Ключ скопирован',
    copyBlocked: 'Скопируйте выделенный ключ вручную.',
    type: 'Тип',
    totp: 'По времени (TOTP)',
    algorithm: 'Алгоритм',
    digits: 'Длина кода',
    interval: 'Интервал',
    seconds: s,
    unusual: (algorithm, count, period) =>
      `Настройки: ${list([algorithm, digits(count), s(period)])}. Не все приложения их поддерживают.`,
    code: 'Код подтверждения',
    verify: 'Подтвердить',
    enterCode: (digits) => plural(digits, { other: 'Введите #-значный код из приложения.' }),
    accepted: 'Код принят.',
    phoneClock: (d, ahead) =>
      `Часы телефона ${ahead ? 'спешат' : 'отстают'} примерно на ${d}. Включите автоматическое время и введите новый код.`,
    ignored: (setting, value) =>
      `Приложение не учло ${{ algorithm: 'алгоритм', digits: 'количество цифр', period: 'интервал' }[setting]} (здесь: ${{ algorithm: String, digits, period: s }[setting](value)}). Нужно другое приложение.`,
    wrongCode: (name) => `Код не подошёл. Попробуйте следующий; тот ли это QR-код (${name})?`,
    wrongLoginCode: 'Код не подошёл. Попробуйте следующий.',
    replayed: 'Код уже использован. Ждите следующий.',
    resync: (d, ahead) => `Часы телефона ${ahead ? 'спешат' : 'отстают'} примерно на ${d}. Введите следующий код.`,
    locked: 'Слишком много попыток. Введите код восстановления.',
    expired: 'Время вышло. Начните заново.',
    attemptsLeft: (n) => plural(n, { other: 'Осталось попыток: #.' }),
    retryAfter: (n) => `Слишком много попыток. Повторите через ${duration(n, 'second')}.`,
    fixPhone: 'Настройте часы телефона',
    preview: 'Что покажет приложение?',
    previewNow: (name) => `Сейчас код для ${name} такой:`,
    previewNext: (n) => `Через ${duration(n, 'second')} сменится на:`,
    clockOff: (d, ahead) => `Часы компьютера ${ahead ? 'спешат' : 'отстают'} примерно на ${d}`,
    clockWhy: 'Неточные часы ломают коды. Включите синхронизацию:',
    clockRight: 'Часы компьютера теперь точны.',
    otherSystems: 'Другие системы',
    recheck: 'Проверить часы снова',
    on: (system) => `${/^[iA]/.test(system) ? 'На' : 'В'} ${system}`,
    duration,
    systems: {
      windows: ['Windows', 'Параметры > Время и язык > Дата и время: включите «Установить время автоматически».'],
      macos: ['macOS', 'Системные настройки > Основные > Дата и время: включите «Устанавливать время и дату автоматически».'],
      linux: ['Linux', 'Выполните «timedatectl set-ntp true».'],
      android: ['Android', 'Настройки > Система > Дата и время: включите «Устанавливать время автоматически». В Google Authenticator: Настройки > Коррекция времени для кодов > Синхронизировать.'],
      ios: ['iPhone и iPad', 'Настройки > Основные > Дата и время: включите «Автоматически».'],
    },
  };
});
