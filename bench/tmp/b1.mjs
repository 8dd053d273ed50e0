import * as tk from '/work/main/pkg/node.js';
import * as core from '/work/main/pkg/glue.js';
import * as OTPAuth from 'otpauth';
const S='JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', NOW=1700000000000;
const o = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(S) });
function time(label, fn){ for(let i=0;i<20000;i++) fn(); const r=[]; for(let b=0;b<7;b++){const t=performance.now(); for(let i=0;i<50000;i++) fn(); r.push((performance.now()-t)/50000*1000);} r.sort((a,b)=>a-b); console.log(label, r[3].toFixed(3),'µs'); }
time('otpauth', ()=>o.generate({timestamp:NOW}));
time('front totpCode', ()=>tk.totpCode(S, NOW));
time('glue totp_code', ()=>core.totp_code(S, NOW, 0, NaN, NaN));
time('glue algorithm_id', ()=>core.algorithm_id('SHA1'));
time('glue check_clock_options', ()=>core.check_clock_options(NaN,NaN,NaN,NaN,NaN,NaN));
time('otpauth', ()=>o.generate({timestamp:NOW}));
