// Turkish for totpkit/elements (`import 'totpkit/elements/locales/tr'`): importing this module
// is all a page does; elements whose language is tr (their `lang`, an ancestor's or the
// document's) then speak it. Menu names are the systems' own Turkish ones.
import { locale } from '../elements/base.js';

export default locale('tr', (plural, unit, list, s = (n) => plural(n, { other: '# sn' }), d = (n) => plural(n, { other: '# basamak' })) => ({
  dir: 'ltr',
  qrLabel: (issuer, account) => `${issuer ? `${issuer} (${account})` : account} hesabını bir kimlik doğrulama uygulamasına eklemek için QR kodu`,
  issuer: 'Sağlayıcı',
  account: 'Hesap',
  openApp: 'Kimlik doğrulama uygulamasında aç',
  trouble: 'Tarayamıyor musunuz?',
  manual: 'Uygulamanızda "Kurulum anahtarı girin" seçeneğini seçin ve bu anahtarı yazın (boşlukların önemi yok).',
  copyKey: 'Anahtarı kopyala',
  copied: 'Kopyalandı',
  copyBlocked: 'Kopyalama engellendi: Seçili anahtarı kendiniz kopyalayın.',
  type: 'Tür',
  totp: 'Zamana dayalı (TOTP)',
  algorithm: 'Algoritma',
  digits: 'Basamak',
  interval: 'Aralık',
  seconds: s,
  unusual: (algorithm, digits, period) =>
    `Bu hesap ${list([algorithm, d(digits), s(period)])} kullanıyor. Bazı kimlik doğrulama uygulamaları bu ayarları yok sayar ve yanlış kod üretir.`,
  code: 'Doğrulama kodu',
  verify: 'Doğrula',
  enterCode: (digits) => plural(digits, { other: 'Kimlik doğrulama uygulamanızdaki # haneli kodu girin.' }),
  accepted: 'Kod kabul edildi.',
  phoneClock: (duration, ahead) =>
    `Telefonunuzun saati yaklaşık ${duration} ${ahead ? 'ileri' : 'geri'}: Saati otomatik ayarlanacak şekilde değiştirin, ardından yeni kodu girin.`,
  ignored: (setting, value) =>
    `Uygulamanız QR kodundaki ${{ algorithm: 'algoritmayı', digits: 'basamak sayısını', period: 'aralığı' }[setting]} yok saydı (bu hesap ${{ algorithm: String, digits: d, period: s }[setting](value)} kullanıyor). Bu ayarı destekleyen bir uygulama kullanın.`,
  wrongCode: (name) => `Bu kod işe yaramadı. Bir sonrakini deneyin ve doğru QR kodunu taradığınızdan emin olun (${name}).`,
  wrongLoginCode: 'Bu kod işe yaramadı. Bir sonrakini deneyin.',
  replayed: 'Bu kod zaten kullanıldı. Bir sonrakini bekleyin.',
  resync: (duration, ahead) => `Telefonunuzun saati yaklaşık ${duration} ${ahead ? 'ileri' : 'geri'}: Bitirmek için bir sonraki kodu girin.`,
  locked: 'Çok fazla deneme yapıldı: hesap kilitlendi. Bir kurtarma kodu kullanın.',
  expired: 'Bu adımın süresi doldu. Baştan başlayın.',
  attemptsLeft: (n) => plural(n, { other: '# deneme hakkınız kaldı.' }),
  retryAfter: (n) => `Çok fazla deneme yapıldı. ${unit(n, 'second')} sonra tekrar deneyin.`,
  fixPhone: 'Telefonunuzun saatini düzeltin',
  preview: 'Uygulamam hangi kodu göstermeli?',
  previewNow: (name) => `Uygulamanız şu anda ${name} için bu kodu göstermeli:`,
  previewNext: (n) => `${unit(n, 'second')} sonra şu koda geçer:`,
  clockOff: (duration, ahead) => `Bilgisayarınızın saati yaklaşık ${duration} ${ahead ? 'ileri' : 'geri'}`,
  clockWhy: 'Saat yanlışsa kodlar çalışmaz. Saati otomatik eşitlenecek şekilde ayarlayın:',
  clockRight: 'Bilgisayarınızın saati artık doğru.',
  otherSystems: 'Diğer sistemler için adımlar',
  recheck: 'Saati yeniden kontrol et',
  on: (system) => `${system}${/^(Win|mac|Lin)/.test(system) ? '’ta' : '’de'}`,
  duration: unit,
  systems: {
    windows: ['Windows', 'Ayarlar > Saat ve dil > Tarih ve saat: "Saati otomatik olarak ayarla" seçeneğini açın.'],
    macos: ['macOS', 'Sistem Ayarları > Genel > Tarih ve Saat: "Saati ve tarihi otomatik olarak ayarla" seçeneğini açın.'],
    linux: ['Linux', '"timedatectl set-ntp true" komutunu çalıştırın.'],
    android: ['Android', 'Ayarlar > Sistem > Tarih ve saat: "Saati otomatik olarak ayarla" seçeneğini açın. Google Authenticator’da: Ayarlar > Kodlar için saat düzeltme > Şimdi senkronize et.'],
    ios: ['iPhone ve iPad', 'Ayarlar > Genel > Tarih ve Saat: "Otomatik Olarak Ayarla" seçeneğini açın.'],
  },
}));
