// How to fix a wrong clock, per operating system, in the words of the 2FA help article,
// and how to say an offset in words.
//
// The user's own system comes first; the others sit behind a <details> disclosure.

import { h } from './ui.js';

/** Computers: the article's three, with today's menu names. */
const COMPUTER = {
  windows: {
    name: 'Windows',
    steps: [
      ['Open ', menu('Settings', 'Time & Language', 'Date & time'), '.'],
      ['Turn on ', setting('Set time automatically'), ', then select ', setting('Sync now'), '.'],
    ],
  },
  macos: {
    name: 'macOS',
    steps: [
      ['Open ', menu('System Settings', 'General', 'Date & Time'), ' (on older macOS: ', menu('System Preferences', 'Date & Time'), ').'],
      ['Turn on ', setting('Set time and date automatically'), ' (older macOS: ', setting('Set date and time automatically'), ').'],
    ],
  },
  linux: {
    name: 'Linux',
    steps: [
      ['Make sure systemd-timesyncd or ntpd is enabled, depending on your distribution.'],
      ['With systemd, run ', h('code', {}, 'timedatectl set-ntp true'), ' in a terminal; ', h('code', {}, 'timedatectl'), ' should then say ', setting('System clock synchronized: yes'), '.'],
    ],
  },
};

/** Phones, where authenticator apps run. */
const PHONE = {
  android: {
    name: 'Android',
    steps: [
      ['Open ', menu('Settings', 'System', 'Date & time'), ' and turn on ', setting('Set time automatically'), '.'],
      ['In Google Authenticator, open ', menu('Settings', 'Time correction for codes'), ' and select ', setting('Sync now'), '.'],
    ],
  },
  ios: {
    name: 'iPhone and iPad',
    steps: [
      ['Open ', menu('Settings', 'General', 'Date & Time'), ' and turn on ', setting('Set Automatically'), '.'],
    ],
  },
};

function menu(...path) {
  return h('span', { className: 'menu-path' }, path.join(' › '));
}

function setting(name) {
  return h('strong', {}, `“${name}”`);
}

/**
 * The user's operating system, from User-Agent Client Hints when the browser has them, else
 * the User-Agent string: "windows" | "macos" | "linux" | "android" | "ios" | "other".
 */
export function detectOs(nav = navigator) {
  const platform = (nav.userAgentData && nav.userAgentData.platform) || '';
  const ua = nav.userAgent || '';
  const text = `${platform} ${ua}`;
  if (/android/i.test(text)) return 'android';
  if (/iphone|ipad|ipod/i.test(ua)) return 'ios';
  // iPadOS asks for the desktop site and says "Macintosh"; only it has a touch screen.
  if (/mac/i.test(text) && nav.maxTouchPoints > 1) return 'ios';
  if (/win/i.test(text)) return 'windows';
  if (/mac/i.test(text)) return 'macos';
  if (/cros/i.test(text)) return 'other';
  if (/linux|x11/i.test(text)) return 'linux';
  return 'other';
}

/**
 * An offset in words, rounded the way a person says it: "40 seconds", "1.5 minutes",
 * "5 minutes", "2 hours", "3 days".
 */
export function describeDuration(ms) {
  const seconds = Math.abs(ms) / 1000;
  if (seconds < 90) {
    const s = Math.max(1, Math.round(seconds));
    return s === 1 ? '1 second' : `${s} seconds`;
  }
  const minutes = seconds / 60;
  if (minutes < 90) {
    const m = minutes < 10 ? Math.round(minutes * 2) / 2 : Math.round(minutes);
    return `${m} minutes`;
  }
  const hours = minutes / 60;
  if (hours < 48) {
    const r = Math.round(hours * 2) / 2;
    return r === 1 ? '1 hour' : `${r} hours`;
  }
  return `${Math.round(hours / 24)} days`;
}

/** One system's steps: a heading and an ordered list. */
function adviceBlock({ name, steps }, headingLevel) {
  return h('div', { className: 'os-advice' },
    h(`h${headingLevel}`, {}, `On ${name}`),
    h('ol', {}, steps.map((parts) => h('li', {}, parts.map((p) => (p instanceof Node ? p.cloneNode(true) : p))))));
}

/** The user's system first, the rest in a disclosure labelled `othersLabel`. */
function orderedAdvice(table, first, othersLabel, headingLevel) {
  const keys = Object.keys(table);
  const own = keys.includes(first) ? [first] : [];
  const rest = keys.filter((k) => !own.includes(k));
  if (own.length === 0) {
    // Unknown system: show every set of steps openly.
    return h('div', {}, rest.map((k) => adviceBlock(table[k], headingLevel)));
  }
  return h('div', {},
    own.map((k) => adviceBlock(table[k], headingLevel)),
    h('details', { className: 'others' },
      h('summary', {}, othersLabel),
      rest.map((k) => adviceBlock(table[k], headingLevel + 1))));
}

/**
 * Steps to make this device's clock synchronize automatically. On a phone the "computer" is
 * the phone itself, so its steps come first.
 */
export function deviceClockAdvice(os = detectOs(), headingLevel = 3) {
  return orderedAdvice({ ...COMPUTER, ...PHONE }, os, 'Steps for other systems', headingLevel);
}

/** Steps for the phone that runs the authenticator app (Android first unless this is an iPhone). */
export function phoneClockAdvice(os = detectOs(), headingLevel = 3) {
  const first = os === 'ios' ? 'ios' : 'android';
  if (os === 'android' || os === 'ios') {
    return orderedAdvice(PHONE, first, 'Steps for other phones', headingLevel);
  }
  // On a computer we cannot know the phone: show both.
  return h('div', {}, Object.values(PHONE).map((p) => adviceBlock(p, headingLevel)));
}
