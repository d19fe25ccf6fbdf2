"""Small, dependency-light address codecs shared by make_wallets.py and check_testset.py.

Written from the specifications (BIP-173/BIP-350 for bech32/bech32m, the Bitcoin base58check
convention, EIP-55, TRON's base58check with version byte 0x41).  Keccak-256 is the one primitive
not re-implemented: it comes from pycryptodome (or eth-hash) because SHA3-256 in hashlib is the
*padded differently* FIPS variant and would give wrong EIP-55 checksums.
"""

from __future__ import annotations

import hashlib

# --------------------------------------------------------------------------- hashing


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def ripemd160(b: bytes) -> bytes:
    # OpenSSL 3 often disables ripemd160 in hashlib, so prefer pycryptodome.
    try:
        from Crypto.Hash import RIPEMD160  # type: ignore

        return RIPEMD160.new(b).digest()
    except ImportError:  # pragma: no cover - fallback only
        return hashlib.new("ripemd160", b).digest()


def hash160(b: bytes) -> bytes:
    return ripemd160(sha256(b))


def keccak256(b: bytes) -> bytes:
    try:
        from Crypto.Hash import keccak  # type: ignore

        return keccak.new(digest_bits=256, data=b).digest()
    except ImportError:
        from eth_hash.auto import keccak as _k  # type: ignore

        return _k(b)


# --------------------------------------------------------------------------- base58check

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(b: bytes) -> str:
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(b) - len(b.lstrip(b"\0"))
    return "1" * pad + out


def b58decode(s: str) -> bytes:
    n = 0
    for c in s:
        i = B58.find(c)
        if i < 0:
            raise ValueError(f"not base58: {c!r}")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\0" * pad + body


def b58check_encode(payload: bytes) -> str:
    return b58encode(payload + sha256(sha256(payload))[:4])


def b58check_decode(s: str) -> bytes | None:
    """Payload (version byte included) if the checksum holds, else None."""
    try:
        raw = b58decode(s)
    except ValueError:
        return None
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    return payload if sha256(sha256(payload))[:4] == check else None


# --------------------------------------------------------------------------- bech32 / bech32m

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data, frombits: int, tobits: int, pad: bool) -> list[int] | None:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for v in data:
        if v < 0 or v >> frombits:
            return None
        acc = (acc << frombits) | v
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_encode(hrp: str, witver: int, program: bytes) -> str:
    const = BECH32_CONST if witver == 0 else BECH32M_CONST
    data = [witver] + _convertbits(program, 8, 5, True)  # type: ignore[operator]
    poly = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ const
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def segwit_decode(addr: str) -> tuple[str, int, bytes] | None:
    """(hrp, witness version, program) for a valid segwit address (BIP-173 + BIP-350 rules)."""
    if addr.lower() != addr and addr.upper() != addr:
        return None
    s = addr.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s) or len(s) > 90:
        return None
    hrp, rest = s[:pos], s[pos + 1 :]
    if any(c not in BECH32_CHARSET for c in rest) or any(ord(c) < 33 or ord(c) > 126 for c in hrp):
        return None
    data = [BECH32_CHARSET.find(c) for c in rest]
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    witver, prog5 = data[0], data[1:-6]
    if witver > 16:
        return None
    prog = _convertbits(prog5, 5, 8, False)
    if prog is None or not 2 <= len(prog) <= 40:
        return None
    if witver == 0 and len(prog) not in (20, 32):
        return None
    if (witver == 0) != (const == BECH32_CONST):
        return None
    return hrp, witver, bytes(prog)


# --------------------------------------------------------------------------- per-chain validation


def btc_valid(addr: str) -> bool:
    """Mainnet Bitcoin address: P2PKH (1…), P2SH (3…) or segwit bc1…."""
    if addr[:3].lower() == "bc1":
        d = segwit_decode(addr)
        return d is not None and d[0] == "bc"
    p = b58check_decode(addr)
    return p is not None and len(p) == 21 and p[0] in (0x00, 0x05)


def eth_checksum(addr: str) -> str:
    """EIP-55 form of a 0x-prefixed 40-hex-digit address (input case ignored)."""
    hexpart = addr[2:].lower()
    h = keccak256(hexpart.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h[i], 16) >= 8 else c for i, c in enumerate(hexpart))


def eth_valid(addr: str) -> bool:
    """EIP-55: all-lower / all-upper carry no checksum (valid); mixed case must match it."""
    if len(addr) != 42 or addr[:2] not in ("0x", "0X"):
        return False
    body = addr[2:]
    if any(c not in "0123456789abcdefABCDEF" for c in body):
        return False
    if body == body.lower() or body == body.upper():
        return True
    return eth_checksum(addr) == "0x" + body


def tron_valid(addr: str) -> bool:
    p = b58check_decode(addr)
    return p is not None and len(p) == 21 and p[0] == 0x41
