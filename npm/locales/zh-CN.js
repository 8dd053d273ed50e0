// Simplified Chinese for totpkit/elements (`import 'totpkit/elements/locales/zh-CN'`):
// importing this module is all a page does; elements whose language is zh-CN (or zh-…, when
// no other zh is registered) then speak it. Menu names are the systems' own Chinese ones.
import { locale } from '../elements.js';

export default locale('zh-CN', (plural, unit, list, s = (n) => plural(n, { other: '# 秒' }), d = (n) => plural(n, { other: '# 位' })) => ({
  dir: 'ltr',
  qrLabel: (issuer, account) => `用于将 ${issuer ? `${issuer}（${account}）` : account} 添加到身份验证器应用的二维码`,
  issuer: '发行方',
  account: '账号',
  openApp: '在身份验证器应用中打开',
  trouble: '无法扫描？',
  manual: '在应用中选择“输入设置密钥”，然后输入此密钥（有无空格均可）。',
  copyKey: '复制密钥',
  copied: '已复制',
  copyBlocked: '无法复制：请手动复制已选中的密钥。',
  type: '类型',
  totp: '基于时间（TOTP）',
  algorithm: '算法',
  digits: '位数',
  interval: '间隔',
  seconds: s,
  unusual: (algorithm, digits, period) =>
    `此账号使用 ${list([algorithm, d(digits), s(period)])}。部分身份验证器应用会忽略这些设置，生成错误的验证码。`,
  code: '验证码',
  verify: '验证',
  enterCode: (digits) => plural(digits, { other: '请输入身份验证器应用中显示的 # 位验证码。' }),
  accepted: '验证码正确。',
  phoneClock: (duration, ahead) => `你的手机时间${ahead ? '快' : '慢'}了约 ${duration}：请将手机设置为自动更新时间，然后输入新的验证码。`,
  ignored: (setting, value) =>
    `你的应用忽略了二维码中的${{ algorithm: '算法', digits: '位数', period: '间隔' }[setting]}（此账号使用 ${{ algorithm: String, digits: d, period: s }[setting](value)}）。请换用支持该设置的应用。`,
  wrongCode: (name) => `该验证码无效。请尝试下一个验证码，并确认你扫描的是正确的二维码（${name}）。`,
  wrongLoginCode: '该验证码无效。请尝试下一个验证码。',
  attemptsLeft: (n) => plural(n, { other: '还可尝试 # 次。' }),
  retryAfter: (n) => `尝试次数过多，请在 ${unit(n, 'second')}后重试。`,
  fixPhone: '校准手机时间',
  preview: '我的应用应显示什么？',
  previewNow: (name) => `现在你的应用应为 ${name} 显示此验证码：`,
  previewNext: (n) => `${unit(n, 'second')}后将变为：`,
  clockOff: (duration, ahead) => `你的电脑时间${ahead ? '快' : '慢'}了约 ${duration}`,
  clockWhy: '时间不准会导致验证码失效。请将其设置为自动同步：',
  clockRight: '你的电脑时间现在是准确的。',
  otherSystems: '其他系统的操作步骤',
  recheck: '重新检查时间',
  on: (system) => `在 ${system} 上`,
  duration: unit,
  systems: {
    windows: ['Windows', '设置 > 时间和语言 > 日期和时间：打开“自动设置时间”。'],
    macos: ['macOS', '系统设置 > 通用 > 日期与时间：打开“自动设置日期与时间”。'],
    linux: ['Linux', '运行“timedatectl set-ntp true”（或启用 ntpd）。'],
    android: ['Android', '设置 > 系统 > 日期和时间：打开“自动设置时间”。在 Google 身份验证器中：设置 > 验证码时间校正 > 立即同步。'],
    ios: ['iPhone 和 iPad', '设置 > 通用 > 日期与时间：打开“自动设置”。'],
  },
}));
