// Korean for totpkit/elements (`import 'totpkit/elements/locales/ko'`): importing this module
// is all a page does; elements whose language is ko (their `lang`, an ancestor's or the
// document's) then speak it. Menu names are the systems' own Korean ones.
import { locale } from '../elements/base.js';

export default locale('ko', (plural, unit, list, s = (n) => plural(n, { other: '#초' }), d = (n) => plural(n, { other: '#자리' })) => ({
  dir: 'ltr',
  qrLabel: (issuer, account) => `인증 앱에 추가할 QR 코드: ${issuer ? `${issuer}(${account})` : account}`,
  issuer: '발급자',
  account: '계정',
  openApp: '인증 앱에서 열기',
  trouble: '스캔이 안 되나요?',
  manual: '앱에서 "설정 키 입력"을 선택하고 이 키를 입력하세요(띄어쓰기는 상관없습니다).',
  copyKey: '키 복사',
  copied: '복사됨',
  copyBlocked: '복사가 차단되었습니다. 선택된 키를 직접 복사하세요.',
  type: '유형',
  totp: '시간 기반(TOTP)',
  algorithm: '알고리즘',
  digits: '자릿수',
  interval: '간격',
  seconds: s,
  unusual: (algorithm, digits, period) =>
    `이 계정의 설정: ${list([algorithm, d(digits), s(period)])}. 일부 인증 앱은 이 설정을 무시하고 잘못된 코드를 생성합니다.`,
  code: '인증 코드',
  verify: '확인',
  enterCode: (digits) => plural(digits, { other: '인증 앱에 표시된 #자리 코드를 입력하세요.' }),
  accepted: '코드가 확인되었습니다.',
  phoneClock: (duration, ahead) =>
    `휴대전화 시계가 약 ${duration} ${ahead ? '빠릅니다' : '느립니다'}. 시간이 자동으로 설정되도록 한 다음 새 코드를 입력하세요.`,
  ignored: (setting, value) =>
    `앱이 QR 코드의 ${{ algorithm: '알고리즘', digits: '자릿수', period: '간격' }[setting]} 설정을 무시했습니다(이 계정: ${{ algorithm: String, digits: d, period: s }[setting](value)}). 이 설정을 지원하는 앱을 사용하세요.`,
  wrongCode: (name) => `코드가 맞지 않습니다. 다음 코드를 입력해 보고, 올바른 QR 코드(${name})를 스캔했는지 확인하세요.`,
  wrongLoginCode: '코드가 맞지 않습니다. 다음 코드를 입력해 보세요.',
  replayed: '이미 사용된 코드입니다. 다음 코드를 기다리세요.',
  resync: (duration, ahead) => `휴대전화 시계가 약 ${duration} ${ahead ? '빠릅니다' : '느립니다'}. 완료하려면 다음 코드를 입력하세요.`,
  locked: '시도 횟수가 너무 많아 계정이 잠겼습니다. 복구 코드를 사용하세요.',
  expired: '이 단계가 만료되었습니다. 처음부터 다시 시작하세요.',
  attemptsLeft: (n) => plural(n, { other: '남은 시도 횟수: #회' }),
  retryAfter: (n) => `시도 횟수가 너무 많습니다. ${unit(n, 'second')} 후에 다시 시도하세요.`,
  fixPhone: '휴대전화 시계 맞추기',
  preview: '앱에 어떤 코드가 표시되어야 하나요?',
  previewNow: (name) => `지금 앱에 표시되어야 하는 ${name} 코드:`,
  previewNext: (n) => `${unit(n, 'second')} 후에 바뀌는 코드:`,
  clockOff: (duration, ahead) => `이 컴퓨터의 시계가 약 ${duration} ${ahead ? '빠릅니다' : '느립니다'}`,
  clockWhy: '시계가 맞지 않으면 코드가 작동하지 않습니다. 시간이 자동으로 동기화되도록 설정하세요.',
  clockRight: '이제 컴퓨터 시계가 정확합니다.',
  otherSystems: '다른 시스템의 설정 방법',
  recheck: '시계 다시 확인',
  on: (system) => `${system}에서`,
  duration: unit,
  systems: {
    windows: ['Windows', '설정 > 시간 및 언어 > 날짜 및 시간에서 "자동으로 시간 설정"을 켜세요.'],
    macos: ['macOS', '시스템 설정 > 일반 > 날짜 및 시간에서 "날짜 및 시간 자동으로 설정"을 켜세요.'],
    linux: ['Linux', '"timedatectl set-ntp true"를 실행하세요.'],
    android: ['Android', '설정 > 시스템 > 날짜 및 시간에서 "자동으로 시간 설정"을 켜세요. Google OTP 앱: 설정 > 코드 시간 보정 > 지금 동기화.'],
    ios: ['iPhone 및 iPad', '설정 > 일반 > 날짜 및 시간에서 "자동으로 설정"을 켜세요.'],
  },
}));
