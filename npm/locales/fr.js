// French for totpkit/elements (`import 'totpkit/elements/locales/fr'`): importing this module is
// all a page does; elements whose language is fr (their `lang`, an ancestor's or the
// document's) then speak it. Menu names are the systems' own French ones; French spacing (a
// narrow no-break space before ? and !, a no-break space before : and inside « »).
import { locale } from '../elements/base.js';

export default locale('fr', (plural, unit, list, s = (n) => plural(n, { other: '# s' }), d = (n) => plural(n, { one: '# chiffre', other: '# chiffres' })) => ({
  dir: 'ltr',
  qrLabel: (issuer, account) => `Code QR pour ajouter ${issuer ? `${issuer} (${account})` : account} à une application d’authentification`,
  issuer: 'Émetteur',
  account: 'Compte',
  openApp: 'Ouvrir dans l’application d’authentification',
  trouble: 'Impossible de scanner le code ?',
  manual: 'Dans votre application, choisissez « Saisir une clé de configuration » et tapez cette clé (les espaces ne comptent pas).',
  copyKey: 'Copier la clé',
  copied: 'Clé copiée',
  copyBlocked: 'La copie est bloquée : copiez vous-même la clé sélectionnée.',
  type: 'Type',
  totp: 'Basé sur l’heure (TOTP)',
  algorithm: 'Algorithme',
  digits: 'Chiffres',
  interval: 'Intervalle',
  seconds: s,
  unusual: (algorithm, digits, period) =>
    `Ce compte utilise ${list([algorithm, d(digits), s(period)])}. Certaines applications d’authentification ignorent ces réglages et génèrent des codes erronés.`,
  code: 'Code d’authentification',
  verify: 'Valider',
  enterCode: (digits) => plural(digits, { other: 'Saisissez le code à # chiffres affiché par votre application d’authentification.' }),
  accepted: 'Code accepté.',
  phoneClock: (duration, ahead) =>
    `L’horloge de votre téléphone ${ahead ? 'avance' : 'retarde'} d’environ ${duration} : réglez-la sur l’heure automatique, puis saisissez le nouveau code.`,
  ignored: (setting, value) =>
    `Votre application a ignoré ${{ algorithm: 'l’algorithme', digits: 'le nombre de chiffres', period: 'l’intervalle' }[setting]} indiqué dans le code QR (ce compte utilise ${{ algorithm: String, digits: d, period: s }[setting](value)}). Utilisez une application qui le prend en charge.`,
  wrongCode: (name) => `Ce code n’a pas fonctionné. Essayez le suivant et vérifiez que vous avez scanné le bon code QR (${name}).`,
  wrongLoginCode: 'Ce code n’a pas fonctionné. Essayez le suivant.',
  replayed: 'Ce code a déjà été utilisé. Attendez le suivant.',
  resync: (duration, ahead) => `L’horloge de votre téléphone ${ahead ? 'avance' : 'retarde'} d’environ ${duration} : saisissez le code suivant pour terminer.`,
  locked: 'Trop de tentatives : le compte est verrouillé. Utilisez un code de récupération.',
  expired: 'Cette étape a expiré. Recommencez.',
  attemptsLeft: (n) => plural(n, { one: 'Il reste # tentative.', other: 'Il reste # tentatives.' }),
  retryAfter: (n) => `Trop de tentatives : réessayez dans ${unit(n, 'second')}.`,
  fixPhone: 'Réglez l’horloge de votre téléphone',
  preview: 'Que doit afficher mon application ?',
  previewNow: (name) => `Votre application devrait afficher maintenant ce code pour ${name} :`,
  previewNext: (n) => `Dans ${unit(n, 'second')}, il deviendra :`,
  clockOff: (duration, ahead) => `L’horloge de votre ordinateur ${ahead ? 'avance' : 'retarde'} d’environ ${duration}`,
  clockWhy: 'Une horloge déréglée fait échouer les codes. Réglez-la pour qu’elle se synchronise automatiquement :',
  clockRight: 'L’horloge de votre ordinateur est maintenant à l’heure.',
  otherSystems: 'Instructions pour les autres systèmes',
  recheck: 'Vérifier de nouveau l’horloge',
  on: (system) => `${/^[iA]/.test(system) ? 'Sur' : 'Sous'} ${system}`,
  duration: unit,
  systems: {
    windows: ['Windows', 'Paramètres > Heure et langue > Date et heure : activez « Régler l’heure automatiquement ».'],
    macos: ['macOS', 'Réglages Système > Général > Date et heure : activez « Régler la date et l’heure automatiquement ».'],
    linux: ['Linux', 'Exécutez « timedatectl set-ntp true ».'],
    android: ['Android', 'Paramètres > Système > Date et heure : activez « Régler l’heure automatiquement ». Dans Google Authenticator : Paramètres > Correction de l’heure pour les codes > Synchroniser maintenant.'],
    ios: ['iPhone et iPad', 'Réglages > Général > Date et heure : activez « Réglage automatique ».'],
  },
}));
