import * as tk from '/work/main/pkg/node.js';
import * as OTPAuth from 'otpauth';
const S='JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', NOW=1700000000000;
const o = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(S) });
const code = o.generate({timestamp: NOW}); const far = o.generate({timestamp: NOW + 2880*30000});
function time(fn, n=30000){ for(let i=0;i<n/4;i++) fn(); const r=[]; for(let b=0;b<9;b++){const t=performance.now(); for(let i=0;i<n;i++) fn(); r.push((performance.now()-t)/n*1000);} r.sort((a,b)=>a-b); return r[4]; }
const res = {};
for (let round=0; round<3; round++) {
  const a = time(()=>o.generate({timestamp:NOW})), b = time(()=>tk.totpCode(S, NOW));
  const c = time(()=>o.validate({token: code, timestamp:NOW, window:1})), d = time(()=>tk.verifyTotp(S, code, NOW));
  const e = time(()=>o.validate({token: '000000', timestamp:NOW, window:1})), f = time(()=>tk.verifyTotp(S, '000000', NOW));
  console.log(`gen ${b.toFixed(2)} vs ${a.toFixed(2)} = ${(a/b).toFixed(2)}x | acc ${d.toFixed(2)} vs ${c.toFixed(2)} = ${(c/d).toFixed(2)}x | rej ${f.toFixed(2)} vs ${e.toFixed(2)} = ${(e/f).toFixed(2)}x`);
}
const g = time(()=>o.validate({token: far, timestamp:NOW, window:2880}), 20), h = time(()=>tk.diagnoseCode(S, far, NOW, {maxSteps: 2880}), 20);
console.log(`scan ${(h/1000).toFixed(2)}ms vs ${(g/1000).toFixed(2)}ms = ${(g/h).toFixed(2)}x`);
