// What the elements show when something is wrong, loaded only then (elements/base.js `helper`):
// the fix steps per operating system, and the English sentences of the clock banner and of a
// refused code's diagnosis (a phone's clock, a setting the app ignored). A visitor whose clock is
// right and whose code is accepted never downloads this module. It imports nothing: base.js hands
// it what it needs, so bundlers keep it one small chunk of its own (an import of base.js would
// split base.js into a chunk shared with the page, which costs every page more than this saves).

/** The English sentences, made by base.js's `englishFor`. */
export const english = (plural, unit, list, s, d) => ({
  phoneClock: (duration, ahead) =>
    `Your phone's clock is about ${duration} ${ahead ? 'ahead' : 'behind'}: set it to update automatically, then enter the new code.`,
  /** `setting`: "algorithm", "digits" or "period"; `value`: this account's. */
  ignored: (setting, value) =>
    `Your app ignored the ${{ algorithm: 'algorithm', digits: 'number of digits', period: 'interval' }[setting]} in the QR code (this account uses ${{ algorithm: String, digits: d, period: s }[setting](value)}). Use an app that supports it.`,
  wrongCode: (name) => `That code didn't work. Try the next one, and check that you scanned the right QR code (${name}).`,
  fixPhone: "Fix your phone's clock",
  clockOff: (duration, ahead) => `Your computer's clock is about ${duration} ${ahead ? 'ahead' : 'behind'}`,
  clockWhy: 'A wrong clock makes codes fail. Set it to synchronize automatically:',
  clockRight: "Your computer's clock is right now.",
  otherSystems: 'Steps for other systems',
  recheck: 'Check the clock again',
  on: (system) => `On ${system}`,
  /** [name, fix] per system: computers, then phones. */
  systems: {
    windows: ['Windows', 'Settings > Time & Language > Date & time: turn on "Set time automatically".'],
    macos: ['macOS', 'System Settings > General > Date & Time: turn on "Set time and date automatically".'],
    linux: ['Linux', 'Run "timedatectl set-ntp true".'],
    android: ['Android', 'Settings > System > Date & time: turn on "Set time automatically". In Google Authenticator: Settings > Time correction for codes > Sync now.'],
    ios: ['iPhone and iPad', 'Settings > General > Date & Time: turn on "Set Automatically".'],
  },
});

/** The visitor's system: windows, macos, linux, android, ios, or undefined. */
function system() {
  const n = navigator;
  const text = `${n.userAgentData?.platform} ${n.userAgent}`;
  return [[/android/i, 'android'], [/iphone|ipad/i, 'ios'], [/mac/i, n.maxTouchPoints > 1 ? 'ios' : 'macos'], [/win/i, 'windows'], [/linux/i, 'linux']].find(([re]) => re.test(text))?.[1];
}

/** Fix steps for `keys`: the visitor's own system first, the others behind a disclosure. */
export function advice(h, t, keys, level, others) {
  const block = (k, l) => [h(`h${l}`, 0, t.on(t.systems[k][0])), h('p', 0, t.systems[k][1])];
  const own = system();
  if (!keys.includes(own)) return keys.map((k) => block(k, level));
  return [block(own, level), h('details', 0, h('summary', 0, others), keys.filter((k) => k !== own).map((k) => block(k, level + 1)))];
}

