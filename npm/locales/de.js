// German for totpkit/elements (`import 'totpkit/elements/locales/de'`): importing this module is
// all a page does; elements whose language is de (their `lang`, an ancestor's or the
// document's) then speak it. Menu names are the systems' own German ones.
import { locale } from '../elements/base.js';

export default locale('de', (plural, unit, list, s = (n) => plural(n, { other: '# s' }), d = (n) => plural(n, { one: '# Stelle', other: '# Stellen' })) => ({
  dir: 'ltr',
  qrLabel: (issuer, account) => `QR-Code, um ${issuer ? `${issuer} (${account})` : account} zu einer Authenticator-App hinzuzufügen`,
  issuer: 'Anbieter',
  account: 'Konto',
  openApp: 'In der Authenticator-App öffnen',
  trouble: 'Probleme beim Scannen?',
  manual: 'Wählen Sie in Ihrer App „Einrichtungsschlüssel eingeben“ und geben Sie diesen Schlüssel ein (Leerzeichen spielen keine Rolle).',
  copyKey: 'Schlüssel kopieren',
  copied: 'Kopiert',
  copyBlocked: 'Kopieren ist blockiert: Kopieren Sie den markierten Schlüssel selbst.',
  type: 'Typ',
  totp: 'Zeitbasiert (TOTP)',
  algorithm: 'Algorithmus',
  digits: 'Stellen',
  interval: 'Intervall',
  seconds: s,
  unusual: (algorithm, digits, period) =>
    `Dieses Konto verwendet ${list([algorithm, d(digits), s(period)])}. Manche Authenticator-Apps ignorieren diese Einstellungen und erzeugen falsche Codes.`,
  code: 'Bestätigungscode',
  verify: 'Bestätigen',
  enterCode: (digits) => plural(digits, { other: 'Geben Sie den #-stelligen Code aus Ihrer Authenticator-App ein.' }),
  accepted: 'Code akzeptiert.',
  phoneClock: (duration, ahead) =>
    `Die Uhr Ihres Telefons geht etwa ${duration} ${ahead ? 'vor' : 'nach'}: Stellen Sie die Uhrzeit auf automatisch und geben Sie dann den neuen Code ein.`,
  ignored: (setting, value) =>
    `Ihre App hat ${{ algorithm: 'den Algorithmus', digits: 'die Stellenzahl', period: 'das Intervall' }[setting]} aus dem QR-Code ignoriert (dieses Konto verwendet ${{ algorithm: String, digits: d, period: s }[setting](value)}). Verwenden Sie eine App, die das unterstützt.`,
  wrongCode: (name) => `Dieser Code hat nicht funktioniert. Versuchen Sie den nächsten und prüfen Sie, ob Sie den richtigen QR-Code gescannt haben (${name}).`,
  wrongLoginCode: 'Dieser Code hat nicht funktioniert. Versuchen Sie den nächsten.',
  replayed: 'Dieser Code wurde bereits verwendet. Warten Sie auf den nächsten.',
  resync: (duration, ahead) => `Die Uhr Ihres Telefons geht etwa ${duration} ${ahead ? 'vor' : 'nach'}: Geben Sie zum Abschluss den nächsten Code ein.`,
  locked: 'Zu viele Versuche: Das Konto ist gesperrt. Verwenden Sie einen Wiederherstellungscode.',
  expired: 'Dieser Schritt ist abgelaufen. Beginnen Sie neu.',
  attemptsLeft: (n) => plural(n, { one: 'Noch # Versuch.', other: 'Noch # Versuche.' }),
  retryAfter: (n) => `Zu viele Versuche – bitte in ${unit(n, 'second')} erneut versuchen.`,
  fixPhone: 'Uhr des Telefons richtig stellen',
  preview: 'Was sollte meine App anzeigen?',
  previewNow: (name) => `Ihre App sollte jetzt diesen Code für ${name} anzeigen:`,
  previewNext: (n) => `In ${unit(n, 'second')} wechselt er zu:`,
  clockOff: (duration, ahead) => `Die Uhr Ihres Computers geht etwa ${duration} ${ahead ? 'vor' : 'nach'}`,
  clockWhy: 'Mit einer falschen Uhrzeit schlagen Codes fehl. Stellen Sie die Uhr auf automatische Synchronisierung:',
  clockRight: 'Die Uhr Ihres Computers geht jetzt richtig.',
  otherSystems: 'Anleitung für andere Systeme',
  recheck: 'Uhr erneut prüfen',
  on: (system) => `${system[0] === 'i' ? 'Auf dem' : 'Unter'} ${system}`,
  duration: unit,
  systems: {
    windows: ['Windows', 'Einstellungen > Zeit und Sprache > Datum und Uhrzeit: „Uhrzeit automatisch festlegen“ einschalten.'],
    macos: ['macOS', 'Systemeinstellungen > Allgemein > Datum & Uhrzeit: „Datum und Uhrzeit automatisch einstellen“ einschalten.'],
    linux: ['Linux', 'Führen Sie „timedatectl set-ntp true“ aus.'],
    android: ['Android', 'Einstellungen > System > Datum und Uhrzeit: „Uhrzeit automatisch einstellen“ einschalten. In Google Authenticator: Einstellungen > Zeitkorrektur für Codes > Jetzt synchronisieren.'],
    ios: ['iPhone und iPad', 'Einstellungen > Allgemein > Datum & Uhrzeit: „Automatisch einstellen“ einschalten.'],
  },
}));
