import * as tk from '/work/main/pkg/node.js';
import * as OTPAuth from 'otpauth';
const S='JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', NOW=1700000000000;
const o = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(S) });
const [which, n] = [process.argv[2], Number(process.argv[3])];
const fns = { tk: ()=>tk.totpCode(S, NOW), otp: ()=>o.generate({timestamp:NOW}), none: ()=>{} };
for (let i=0;i<n;i++) fns[which]();
