// Arabic for totpkit/elements (`import 'totpkit/elements/locales/ar'`): importing this module
// is all a page does; elements whose language is ar (their `lang`, an ancestor's or the
// document's) then speak it, laid out right to left. Menu names are the systems' own Arabic
// ones. Names from the QR code are first-strong isolates (U+2068…U+2069) and the Linux command
// a left-to-right isolate (U+2066…U+2069), so a Latin name or a command keeps its order inside
// an Arabic sentence. Durations after a preposition use Arabic's genitive forms.
import { locale } from '../elements/base.js';

export default locale('ar', (plural, unit, list) => {
  const name = (text) => `\u2068${text}\u2069`;
  // "بعد ثانيتين": the genitive forms a preposition needs; Intl's units are nominative.
  const seconds = (n) => plural(n, { zero: '# ثانية', one: 'ثانية واحدة', two: 'ثانيتين', few: '# ثوانٍ', other: '# ثانية' });
  const digits = (n) => plural(n, { few: '# أرقام', other: '# رقمًا' });
  return {
    dir: 'rtl',
    qrLabel: (issuer, account) => `رمز QR لإضافة ${name(issuer ? `${issuer} (${account})` : account)} إلى تطبيق مصادقة`,
    issuer: 'الجهة المُصدِرة',
    account: 'الحساب',
    openApp: 'الفتح في تطبيق المصادقة',
    trouble: 'تعذّرت قراءة الرمز؟',
    manual: 'في التطبيق، اختر «إدخال مفتاح الإعداد» واكتب هذا المفتاح.',
    copyKey: 'نسخ المفتاح',
    copied: 'تم النسخ',
    copyBlocked: 'انسخ المفتاح المحدَّد بنفسك.',
    type: 'النوع',
    totp: 'مستند إلى الوقت (TOTP)',
    algorithm: 'الخوارزمية',
    digits: 'عدد الأرقام',
    interval: 'المدة',
    seconds,
    unusual: (algorithm, count, period) =>
      `يستخدم هذا الحساب ${list([algorithm, digits(count), seconds(period)])}. بعض التطبيقات تتجاهلها.`,
    code: 'رمز التحقق',
    verify: 'تحقّق',
    enterCode: (count) => `أدخل الرمز المكوّن من ${digits(count)} من تطبيق المصادقة.`,
    accepted: 'تم قبول الرمز.',
    phoneClock: (duration, ahead) =>
      `ساعة هاتفك ${ahead ? 'متقدّمة' : 'متأخّرة'}، والفرق ${duration} تقريبًا: فعّل ضبط الوقت تلقائيًا، ثم أدخل الرمز الجديد.`,
    ignored: (setting, value) =>
      `تجاهل تطبيقك ${{ algorithm: 'الخوارزمية', digits: 'عدد الأرقام', period: 'المدة' }[setting]} في رمز QR (يستخدم هذا الحساب ${{ algorithm: String, digits, period: seconds }[setting](value)}). استخدم تطبيقًا يدعمه.`,
    wrongCode: (issuer) => `لم ينجح هذا الرمز. جرّب التالي، وتأكّد أنك مسحت رمز QR الصحيح (${name(issuer)}).`,
    wrongLoginCode: 'لم ينجح هذا الرمز. جرّب التالي.',
    replayed: 'استُخدم هذا الرمز. انتظر التالي.',
    resync: (duration, ahead) => `ساعة هاتفك ${ahead ? 'متقدّمة' : 'متأخّرة'}، والفرق ${duration} تقريبًا: أدخل الرمز التالي.`,
    locked: 'محاولات كثيرة جدًا. استخدم رمز استرداد.',
    expired: 'انتهت المهلة. ابدأ من جديد.',
    attemptsLeft: (n) => plural(n, { zero: 'لم تبقَ أي محاولة.', one: 'بقيت محاولة واحدة.', two: 'بقيت محاولتان.', few: 'بقيت # محاولات.', other: 'بقيت # محاولة.' }),
    retryAfter: (n) => `محاولات كثيرة جدًا. أعد المحاولة بعد ${seconds(n)}.`,
    fixPhone: 'اضبط ساعة هاتفك',
    preview: 'ماذا سيعرض تطبيقي؟',
    previewNow: (issuer) => `رمز ${name(issuer)} الآن:`,
    previewNext: (n) => `يتغيّر بعد ${seconds(n)} إلى:`,
    clockOff: (duration, ahead) => `ساعة الكمبيوتر ${ahead ? 'متقدّمة' : 'متأخّرة'}، والفرق ${duration} تقريبًا`,
    clockWhy: 'الساعة غير المضبوطة تُفشل الرموز. فعّل المزامنة التلقائية:',
    clockRight: 'ساعة الكمبيوتر مضبوطة الآن.',
    otherSystems: 'خطوات الأنظمة الأخرى',
    recheck: 'إعادة فحص الساعة',
    on: (system) => `على ${system}`,
    duration: unit,
    systems: {
      windows: ['Windows', 'الإعدادات > الوقت واللغة > التاريخ والوقت: شغّل «تعيين الوقت تلقائيًا».'],
      macos: ['macOS', 'إعدادات النظام > عام > التاريخ والوقت: شغّل «تعيين الوقت والتاريخ تلقائيًا».'],
      linux: ['Linux', 'شغّل الأمر \u2066timedatectl set-ntp true\u2069.'],
      android: ['Android', 'الإعدادات > النظام > التاريخ والوقت: شغّل «ضبط الوقت تلقائيًا». في Google Authenticator: الإعدادات > تصحيح الوقت للرموز > المزامنة الآن.'],
      ios: ['iPhone وiPad', 'الإعدادات > عام > التاريخ والوقت: شغّل «الضبط تلقائيًا».'],
    },
  };
});
