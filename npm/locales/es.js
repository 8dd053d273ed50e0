// Spanish for totpkit/elements (`import 'totpkit/elements/locales/es'`): importing this module
// is all a page does; elements whose language is es (their `lang`, an ancestor's or the
// document's) then speak it. Menu names are the systems' own Spanish ones.
import { locale } from '../elements/base.js';

export default locale('es', (plural, unit, list, s = (n) => plural(n, { other: '# s' }), d = (n) => plural(n, { one: '# dígito', other: '# dígitos' })) => ({
  dir: 'ltr',
  qrLabel: (issuer, account) => `Código QR para añadir ${issuer ? `${issuer} (${account})` : account} a una aplicación de autenticación`,
  issuer: 'Emisor',
  account: 'Cuenta',
  openApp: 'Abrir en la aplicación de autenticación',
  trouble: '¿No puedes escanearlo?',
  manual: 'En tu aplicación, elige «Introducir una clave de configuración» y escribe esta clave (los espacios dan igual).',
  copyKey: 'Copiar clave',
  copied: 'Clave copiada',
  copyBlocked: 'No se puede copiar: copia tú la clave seleccionada.',
  type: 'Tipo',
  totp: 'Basado en el tiempo (TOTP)',
  algorithm: 'Algoritmo',
  digits: 'Dígitos',
  interval: 'Intervalo',
  seconds: s,
  unusual: (algorithm, digits, period) =>
    `Esta cuenta usa ${list([algorithm, d(digits), s(period)])}. Algunas aplicaciones de autenticación ignoran estos ajustes y generan códigos incorrectos.`,
  code: 'Código de verificación',
  verify: 'Verificar',
  enterCode: (digits) => plural(digits, { other: 'Introduce el código de # dígitos que muestra tu aplicación de autenticación.' }),
  accepted: 'Código aceptado.',
  phoneClock: (duration, ahead) =>
    `El reloj de tu teléfono va ${ahead ? 'adelantado' : 'atrasado'} aproximadamente ${duration}: configúralo para que la hora se ajuste automáticamente y luego introduce el nuevo código.`,
  ignored: (setting, value) =>
    `Tu aplicación ignoró ${{ algorithm: 'el algoritmo', digits: 'el número de dígitos', period: 'el intervalo' }[setting]} del código QR (esta cuenta usa ${{ algorithm: String, digits: d, period: s }[setting](value)}). Usa una aplicación que lo admita.`,
  wrongCode: (name) => `Ese código no ha funcionado. Prueba con el siguiente y comprueba que escaneaste el código QR correcto (${name}).`,
  wrongLoginCode: 'Ese código no ha funcionado. Prueba con el siguiente.',
  replayed: 'Ese código ya se usó. Espera al siguiente.',
  resync: (duration, ahead) => `El reloj de tu teléfono va ${ahead ? 'adelantado' : 'atrasado'} aproximadamente ${duration}: introduce el siguiente código para terminar.`,
  locked: 'Demasiados intentos: la cuenta está bloqueada. Usa un código de recuperación.',
  expired: 'Este paso ha caducado. Empieza de nuevo.',
  attemptsLeft: (n) => plural(n, { one: 'Te queda # intento.', other: 'Te quedan # intentos.' }),
  retryAfter: (n) => `Demasiados intentos: vuelve a intentarlo dentro de ${unit(n, 'second')}.`,
  fixPhone: 'Ajusta el reloj de tu teléfono',
  preview: '¿Qué debería mostrar mi aplicación?',
  previewNow: (name) => `Ahora mismo tu aplicación debería mostrar este código para ${name}:`,
  previewNext: (n) => `Dentro de ${unit(n, 'second')} cambiará a:`,
  clockOff: (duration, ahead) => `El reloj de tu equipo va ${ahead ? 'adelantado' : 'atrasado'} aproximadamente ${duration}`,
  clockWhy: 'Con el reloj mal ajustado, los códigos fallan. Configúralo para que se sincronice automáticamente:',
  clockRight: 'El reloj de tu equipo ya está en hora.',
  otherSystems: 'Pasos para otros sistemas',
  recheck: 'Volver a comprobar el reloj',
  on: (system) => `En ${system}`,
  duration: unit,
  systems: {
    windows: ['Windows', 'Configuración > Hora e idioma > Fecha y hora: activa «Establecer la hora automáticamente».'],
    macos: ['macOS', 'Ajustes del Sistema > General > Fecha y hora: activa «Ajustar fecha y hora automáticamente».'],
    linux: ['Linux', 'Ejecuta «timedatectl set-ntp true».'],
    android: ['Android', 'Ajustes > Sistema > Fecha y hora: activa «Establecer la hora automáticamente». En Google Authenticator: Ajustes > Corrección de hora para códigos > Sincronizar ahora.'],
    ios: ['iPhone y iPad', 'Ajustes > General > Fecha y hora: activa «Ajuste automático».'],
  },
}));
