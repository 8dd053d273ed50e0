#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/seeds/<target>/ from the values the tests use.

Files already there are kept: inputs that fuzzing found worth keeping are added by hand (named
by their SHA-1, as libFuzzer names them): qr_svg/7bf1190c…, 87ff8a1a… and 2c6cca13…, valid
symbols (equal to the qrcode crate's and node-qrcode's, read by zbarimg) that the rqrr decoder
misreads: a spurious second grid, or an ECC error at every scale.

The structured targets (clock_offset, qr_svg, verify) read a little-endian header and then
NUL-separated strings; fuzz/src/lib.rs describes the layout, and the functions below mirror it.
Run it again after changing a layout: `python3 fuzz/seeds/make_seeds.py`.
"""
import hashlib
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def rows(name):
    for line in (ROOT / "tests" / "data" / name).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split()


def write(target, seeds):
    out = HERE / target
    out.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        data = seed if isinstance(seed, bytes) else seed.encode()
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
    print(f"{target}: {len(seeds)} seeds")


SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
URI_135 = ("otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
           "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")

# otpauth: every URI in src/otpauth.rs, the README and tests/node, valid and not.
write("otpauth", [
    URI_135,
    "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    "OTPAUTH://TOTP/ACME%20Co%3A%20alice%40example.com?secret=jbsw+y3dp+ehpk+3pxp%3D%3D%3D%3D&algorithm=sha1",
    "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP",
    "otpauth://totp/Evil:alice?secret=JBSWY3DPEHPK3PXP&issuer=Good+Corp",
    "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&counter=7",
    "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=5",
    "otpauth://totp/ACME%3Aalice?secret=jbswy3dpehpk3pxp&algorithm=sha256&digits=8&period=60",
    "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA-512&digits=7&period=3600#frag",
    "otpauth://totp/%F0%9F%94%90%20%E6%97%A5%E6%9C%AC:%C3%BC?secret=" + SECRET + "&issuer=%E6%97%A5",
    "otpauth://totp/a%zz?secret=JBSWY3DPEHPK3PXP",
    "otpauth://totp/a%ff?secret=JBSWY3DPEHPK3PXP",
    "otpauth://motp/a?secret=JBSWY3DPEHPK3PXP",
    "otpauth://totp/a?issuer=x",
    "otpauth://totp/a?secret=JBSWY3DP!",
    "otpauth://totp/a?secret=JBSWY3DP",
    "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
    "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=10",
    "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=99999999999999999999999",
    "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=-1",
    "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=9007199254740991&period=60",
    "https://example.com/?secret=JBSWY3DPEHPK3PXP",
])

# base32: RFC 4648 §10, the RFC 4226/6238 keys, and what people type.
b32 = ["MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======",
       "jbsw y3dp ehpk 3pxp", "JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXP====", "JBSWY3DP",
       "", "   ", "JBSWY3DP1", "JBSW=Y3DP", "A", "ABC", "ABCDEF", "JBSWY3DPÉ", "mzxw6yq="]
b32 += sorted({r[3] for r in rows("rfc6238.txt")})
write("base32", b32)

# http_date: every date in tests/core/clock.rs.
write("http_date", [
    "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
    "Thu, 01 Jan 1970 00:00:00 GMT", "Tue, 29 Feb 2000 23:59:59 GMT",
    "Friday, 27-Nov-26 19:00:00 GMT", "Fri Dec 31 23:59:60 9999",
    "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
    "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 1900 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
    "Sunday, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1969 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:37:00 GMT", "Sun, ０６ Nov 1994 08:49:37 GMT",
    "Sunday, 06-Nov-1994 08:49:37 GMT", "1994-11-06T08:49:37Z",
])


# clock_offset: flags u8, ok, minor, warn, maxError, local, offset, then (sent, received,
# server, resolution) per sample.
def clock(samples, thresholds=None, local=1.7e12, offset=0.0):
    head = struct.pack("<B", 1 if thresholds is None else 0)
    head += struct.pack("<4d", *(thresholds or (2000.0, 15000.0, 30000.0, 5000.0)))
    head += struct.pack("<2d", local, offset)
    return head + b"".join(struct.pack("<4d", s, s + rtt, srv, res) for s, rtt, srv, res in samples)


L = 1.7e12
nan, inf = float("nan"), float("inf")
write("clock_offset", [
    clock([(L, 80.0, L + 40.0 + 120_000.0, 1.0)]),
    clock([(L, 100.0, L + 10.0 + 7000.0, 1.0)], local=L, offset=-47_250.0),
    clock([(1e12 + i * 1e4, r, 1e12 + i * 1e4 + r / 2, 1.0)
           for i, r in enumerate([800.0, 60.0, 300.0, 65.0, 900.0])]),
    clock([(L, 60.0, ((L + 30.0) // 1000) * 1000, 1000.0)], local=L, offset=86_400_000.0),
    clock([(1e12, 100.0, 1e12 + 50.0 + 2050.0, 0.0)], thresholds=(2000.0, 15000.0, 30000.0, 5000.0)),
    clock([(1.0, 1.0, 1.0, 1.0), (nan, 1.0, 1.0, 1.0)]),
    clock([(1.0, -1.0, 1.0, 1.0)], local=inf, offset=nan),
    clock([(1.7976931348623157e308, 1.7976931348623157e308, 1.0, 1.0)], local=9007199254740992.0),
    clock([], thresholds=(20000.0, 15000.0, 30000.0, 5000.0)),
])


# qr_svg: ecc u8, quietZone u32, flags u8, dark u8, light u8, then text, dark, light, title.
def qr(text, ecc=1, quiet=4, title=None, dark_sel=0, light_sel=0, dark="", light=""):
    head = struct.pack("<BIBBB", ecc, quiet, 1 if title is not None else 0, dark_sel, light_sel)
    return head + b"\0".join(s.encode() for s in (text, dark, light, title or ""))


write("qr_svg", [
    qr(URI_135), qr("hello"), qr("x", quiet=0, dark_sel=3, light_sel=6),
    qr("x", title="\"/><script>alert('x')</script>&"),
    qr("QR code to add ACME Co (alice@example.com)", ecc=3, title="ACME Co (alice@example.com)"),
    qr("a" * 2000, ecc=0), qr("a" * 2000, ecc=3), qr("A" * 2954, ecc=0),
    qr("x", dark_sel=200, dark="red;", light_sel=201, light="url(#x)"),
    qr("x", dark_sel=200, dark="#A1b2C3", light_sel=201, light="Black"),
    qr("日本 🔐 Ünïcödé", ecc=2, quiet=65, title="\x00\x1f\x7f\u2028"),
])


# verify: flags u8, algorithm u8, digits u8, period u32, window u32, maxSteps u32, unixSecs u64,
# unixMs f64, offsetMs f64, lastUsed u64, codeDelta i8, codeStyle u8, then secret, code.
def verify(secret, code="", flags=1, alg=0, digits=0, period=0, window=1, steps=10,
           secs=0, ms=0.0, offset=0.0, last=0, delta=0, style=0):
    head = struct.pack("<BBBIIIQddQbB", flags, alg, digits, period, window, steps, secs, ms,
                       offset, last, delta, style)
    return head + (secret if isinstance(secret, bytes) else secret.encode()) + b"\0" + code.encode()


ALG = {"SHA1": 0, "SHA256": 1, "SHA512": 2}
seeds = [verify(s, code, alg=ALG[a], digits=2, secs=int(t), ms=int(t) * 1000.0)
         for a, t, code, s in rows("rfc6238.txt")]
seeds += [
    verify(SECRET, flags=1 | 4, secs=1_700_000_015, delta=d, style=d & 7) for d in (0, 1, -1, -3, 8, 20)
] + [
    verify(SECRET, flags=1 | 4 | 8, alg=1, secs=1_700_000_015),
    verify(SECRET, flags=1 | 4 | 8, digits=2, secs=1_700_000_015),
    verify(SECRET, flags=1 | 4 | 8, period=4, secs=1_700_000_015, delta=-1),
    verify(SECRET, flags=1 | 2 | 4, secs=1_000_000, last=33_332, delta=-1),
    verify(b"12345678901234567890", "12 34 5", flags=0, window=11),
    verify(SECRET, "123456", flags=1 | 64, ms=9007199254740992.0, offset=-86_400_000.0, window=10, steps=100_001),
    verify(SECRET, "abcdef", secs=2**64 - 1, ms=nan, offset=inf),
    verify(SECRET, "１２３４５６", flags=1 | 16 | 32, digits=5, period=0),
]
write("verify", seeds)
