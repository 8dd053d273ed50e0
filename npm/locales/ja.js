// Japanese for totpkit/elements (`import 'totpkit/elements/locales/ja'`): importing this module
// is all a page does; elements whose language is ja (their `lang`, an ancestor's or the
// document's) then speak it. Menu names are the systems' own Japanese ones.
import { locale } from '../elements/base.js';

export default locale('ja', (plural, unit, list, d = (n) => plural(n, { other: '# 桁' })) => ({
  dir: 'ltr',
  qrLabel: (issuer, account) => `${issuer ? `${issuer}（${account}）` : account} を認証アプリに追加する QR コード`,
  issuer: '発行元',
  account: 'アカウント',
  openApp: '認証アプリで開く',
  trouble: 'スキャンできない場合',
  manual: 'アプリで「セットアップ キーを入力」を選び、このキーを入力してください。',
  copyKey: 'キーをコピー',
  copied: 'コピーしました',
  copyBlocked: '選択したキーを手動でコピーしてください。',
  type: '種類',
  totp: '時間ベース（TOTP）',
  algorithm: 'アルゴリズム',
  digits: '桁数',
  interval: '間隔',
  seconds: (n) => unit(n, 'second'),
  unusual: (algorithm, digits, period) =>
    `このアカウントの設定は ${list([algorithm, d(digits), unit(period, 'second')])} です。これらの設定に対応しないアプリもあります。`,
  code: '認証コード',
  verify: '確認',
  enterCode: (digits) => plural(digits, { other: '認証アプリに表示されている # 桁のコードを入力してください。' }),
  accepted: 'コードを確認しました。',
  phoneClock: (duration, ahead) =>
    `スマートフォンの時計が約 ${duration}${ahead ? '進んで' : '遅れて'}います。時刻の自動設定を有効にしてから、新しいコードを入力してください。`,
  ignored: (setting, value) =>
    `アプリが QR コードの${{ algorithm: 'アルゴリズム', digits: '桁数', period: '間隔' }[setting]}を無視しました（このアカウントは ${{ algorithm: String, digits: d, period: (v) => unit(v, 'second') }[setting](value)}）。この設定に対応したアプリを使ってください。`,
  wrongCode: (name) => `このコードは使えません。次のコードを試し、正しい QR コード（${name}）をスキャンしたか確認してください。`,
  wrongLoginCode: 'このコードは使えません。次のコードを試してください。',
  replayed: 'このコードは使用済みです。次のコードを待ってください。',
  resync: (duration, ahead) => `スマートフォンの時計が約 ${duration}${ahead ? '進んで' : '遅れて'}います。次のコードで完了します。`,
  locked: '試行回数が多すぎます。リカバリーコードを使ってください。',
  expired: '期限切れです。最初からやり直してください。',
  attemptsLeft: (n) => plural(n, { other: 'あと # 回試せます。' }),
  retryAfter: (n) => `試行回数が多すぎます。${unit(n, 'second')}後にもう一度お試しください。`,
  fixPhone: 'スマートフォンの時計を合わせる',
  preview: 'アプリに表示されるコードは？',
  previewNow: (name) => `いまアプリに表示されるはずの ${name} のコード：`,
  previewNext: (n) => `${unit(n, 'second')}後に次のコードに変わります：`,
  clockOff: (duration, ahead) => `このコンピューターの時計が約 ${duration}${ahead ? '進んで' : '遅れて'}います`,
  clockWhy: '時計がずれているとコードが通りません。時刻の自動同期を有効にしてください：',
  clockRight: 'このコンピューターの時計は正しくなりました。',
  otherSystems: 'ほかのシステムの手順',
  recheck: '時計をもう一度確認',
  on: (system) => `${system} の場合`,
  duration: unit,
  systems: {
    windows: ['Windows', '設定 > 時刻と言語 > 日付と時刻 で「時刻を自動的に設定する」をオンにします。'],
    macos: ['macOS', 'システム設定 > 一般 > 日付と時刻 で「日付と時刻を自動的に設定」をオンにします。'],
    linux: ['Linux', '「timedatectl set-ntp true」を実行します。'],
    android: ['Android', '設定 > システム > 日付と時刻 で「時刻を自動的に設定」をオンにします。Google 認証システムでは 設定 > コードの時刻補正 > 今すぐ同期 を選びます。'],
    ios: ['iPhone と iPad', '設定 > 一般 > 日付と時刻 で「自動設定」をオンにします。'],
  },
}));
