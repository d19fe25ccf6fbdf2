#!/usr/bin/env python3
"""Generate the fictional wallet addresses used by the selector test set.

Every address comes from a random private key (fixed seed, so the file is reproducible) through the
real derivation: secp256k1 public key -> hash160 -> P2PKH / P2SH-P2WPKH / P2WPKH, BIP-341 key-path
tweak -> P2TR, Keccak-256 -> Ethereum (EIP-55) and TRON (0x41 + base58check).  The keys are thrown
away; the addresses hold nothing and belong to no one.

"Broken" variants take a valid address and change one character to another character of the same
alphabet (keeping its case for EIP-55), then check the checksum really fails: they look right and
must be extracted, but flagged as unvalidated.

If bip_utils is installed, every valid address is cross-checked against that independent library.

Usage:  python3 make_wallets.py [--seed N] [--out wallets.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from walletlib import (
    B58,
    BECH32_CHARSET,
    b58check_encode,
    btc_valid,
    eth_checksum,
    eth_valid,
    hash160,
    keccak256,
    segwit_encode,
    sha256,
    tron_valid,
)

# ----------------------------------------------------------------------------- secp256k1
P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        lam = 3 * a[0] * a[0] * pow(2 * a[1], -1, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return x, (lam * (a[0] - x) - a[1]) % P


def _mul(k: int, pt=G):
    acc = None
    while k:
        if k & 1:
            acc = _add(acc, pt)
        pt = _add(pt, pt)
        k >>= 1
    return acc


def _compressed(pt) -> bytes:
    return bytes([2 + (pt[1] & 1)]) + pt[0].to_bytes(32, "big")


def _tagged(tag: str, msg: bytes) -> bytes:
    t = sha256(tag.encode())
    return sha256(t + t + msg)


# ----------------------------------------------------------------------------- derivations


def p2pkh(k: int) -> str:
    return b58check_encode(b"\x00" + hash160(_compressed(_mul(k))))


def p2sh_p2wpkh(k: int) -> str:
    redeem = b"\x00\x14" + hash160(_compressed(_mul(k)))
    return b58check_encode(b"\x05" + hash160(redeem))


def p2wpkh(k: int) -> str:
    return segwit_encode("bc", 0, hash160(_compressed(_mul(k))))


def p2tr(k: int) -> str:
    pt = _mul(k)
    if pt[1] & 1:  # BIP-340: use the even-y key
        pt = (pt[0], P - pt[1])
    t = int.from_bytes(_tagged("TapTweak", pt[0].to_bytes(32, "big")), "big")
    q = _add(pt, _mul(t))
    return segwit_encode("bc", 1, q[0].to_bytes(32, "big"))


def _eth_raw(k: int) -> bytes:
    pt = _mul(k)
    return keccak256(pt[0].to_bytes(32, "big") + pt[1].to_bytes(32, "big"))[-20:]


def eth(k: int) -> str:
    return eth_checksum("0x" + _eth_raw(k).hex())


def tron(k: int) -> str:
    return b58check_encode(b"\x41" + _eth_raw(k))


# ----------------------------------------------------------------------------- breaking


def break_one(addr: str, rng: random.Random, alphabet: str, keep_prefix: int, valid) -> str:
    """Change one character (not in the prefix) to another of the alphabet so the checksum fails."""
    for _ in range(1000):
        i = rng.randrange(keep_prefix, len(addr))
        c = addr[i]
        if alphabet == "hex":
            pool = "0123456789" if c.isdigit() else ("abcdef" if c.islower() else "ABCDEF")
        else:
            pool = alphabet
        new = rng.choice([x for x in pool if x != c])
        cand = addr[:i] + new + addr[i + 1 :]
        if not valid(cand):
            return cand
    raise RuntimeError("could not break " + addr)


def self_test() -> None:
    """Known vectors: private key 1 and the published EIP-55 / BIP-350 examples."""
    assert p2pkh(1) == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
    assert p2wpkh(1) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert eth(1) == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
    assert eth_valid("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert not eth_valid("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert btc_valid("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")


def cross_check(kind: str, k: int, addr: str) -> bool | None:
    """Compare with bip_utils when available; None = not checked."""
    try:
        from bip_utils import (  # type: ignore
            EthAddrEncoder,
            P2PKHAddrEncoder,
            P2SHAddrEncoder,
            P2TRAddrEncoder,
            P2WPKHAddrEncoder,
            Secp256k1PrivateKey,
            TrxAddrEncoder,
        )
    except ImportError:
        return None
    pub = Secp256k1PrivateKey.FromBytes(k.to_bytes(32, "big")).PublicKey()
    other = {
        "btc_p2pkh": lambda: P2PKHAddrEncoder.EncodeKey(pub, net_ver=b"\x00"),
        "btc_p2sh": lambda: P2SHAddrEncoder.EncodeKey(pub, net_ver=b"\x05"),
        "btc_p2wpkh": lambda: P2WPKHAddrEncoder.EncodeKey(pub, hrp="bc", wit_ver=0),
        "btc_p2tr": lambda: P2TRAddrEncoder.EncodeKey(pub, hrp="bc"),
        "eth": lambda: EthAddrEncoder.EncodeKey(pub),
        "tron": lambda: TrxAddrEncoder.EncodeKey(pub),
    }[kind]()
    return other == addr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20260517)
    ap.add_argument("--count", type=int, default=16, help="valid addresses per type")
    ap.add_argument("--broken", type=int, default=8, help="broken addresses per chain family")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "wallets.json"))
    args = ap.parse_args()
    self_test()
    rng = random.Random(args.seed)
    kinds = {
        "btc_p2pkh": ("btc", p2pkh),
        "btc_p2sh": ("btc", p2sh_p2wpkh),
        "btc_p2wpkh": ("btc", p2wpkh),
        "btc_p2tr": ("btc", p2tr),
        "eth": ("eth", eth),
        "tron": ("tron", tron),
    }
    out: dict[str, dict] = {}
    checked = 0
    for name, (chain, fn) in kinds.items():
        for i in range(1, args.count + 1):
            k = rng.randrange(1, N)
            addr = fn(k)
            ok = {"btc": btc_valid, "eth": eth_valid, "tron": tron_valid}[chain](addr)
            assert ok, (name, addr)
            cc = cross_check(name, k, addr)
            if cc is False:
                raise SystemExit(f"bip_utils disagrees on {name}: {addr}")
            checked += cc is True
            out[f"{name}_{i}"] = {"kind": chain, "type": name, "address": addr, "valid": True}
    # Broken variants, one family at a time, from fresh keys (never a neighbour of a valid one in the set).
    broken_specs = {
        "btc_p2pkh_bad": ("btc", p2pkh, B58, 1, btc_valid),
        "btc_p2wpkh_bad": ("btc", p2wpkh, BECH32_CHARSET, 4, btc_valid),
        "btc_p2tr_bad": ("btc", p2tr, BECH32_CHARSET, 4, btc_valid),
        "eth_bad": ("eth", eth, "hex", 2, eth_valid),
        "tron_bad": ("tron", tron, B58, 1, tron_valid),
    }
    for name, (chain, fn, alpha, keep, valid) in broken_specs.items():
        for i in range(1, args.broken + 1):
            good = fn(rng.randrange(1, N))
            bad = break_one(good, rng, alpha, keep, valid)
            out[f"{name}_{i}"] = {"kind": chain, "type": name, "address": bad, "valid": False}
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} addresses to {args.out} (bip_utils cross-checked {checked})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
