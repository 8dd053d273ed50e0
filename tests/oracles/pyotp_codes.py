"""Independent oracle: reads cases on stdin, prints pyotp's code for each.

Each input line is `kind secret_base32 algorithm digits period_or_dash time_or_counter`, with
kind `totp` or `hotp`. Output: one code per line, in order.
"""
import hashlib
import sys

import pyotp

DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}

for line in sys.stdin:
    kind, secret, algorithm, digits, period, at = line.split()
    if kind == "totp":
        otp = pyotp.TOTP(secret, digits=int(digits), digest=DIGESTS[algorithm], interval=int(period))
        print(otp.at(int(at)))
    else:
        otp = pyotp.HOTP(secret, digits=int(digits), digest=DIGESTS[algorithm])
        print(otp.at(int(at)))
